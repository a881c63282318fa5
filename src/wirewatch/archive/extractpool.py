"""Extracting a WARC import's pages in batches, in worker processes when the import is large.

Extraction is pure CPU and needs no database, so a process pool does it while the importer stores the previous
batch; the workers also derive what the receivers will compute from each article's headline and text
(derived.py), and build the records that re-record each new page in our WARC (the storing process, the import's
bottleneck, only appends their bytes).
This module imports no Django model: a forkserver worker loads it without setting Django up (forking a process
that holds database connections and threads is unsafe, hence forkserver).
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, Protocol, TypeVar

from wirewatch.archive.blobdata import Packed, pack
from wirewatch.archive.contenthash import extracted_hash
from wirewatch.archive.derived import derive, registered
from wirewatch.extraction import Extracted, extract_article
from wirewatch.fetching.decoding import decode_body
from wirewatch.fetching.warc import Built, build_exchange


class Response(NamedTuple):
    """The captured response as our WARC re-records it, beside its body."""

    status: int
    reason: str
    headers: list[tuple[str, str]]
    fetched_at: datetime


@dataclass(frozen=True)
class Job:
    """What extraction needs of one page: plain data, so that it pickles to a worker."""

    url: str
    body: bytes
    content_type: str
    language: str
    timezone: str
    rules: dict | None
    # What to derive from each article's headline and text (derived.py), and the content hashes the archive holds
    # at this URL already: the importer skips such a page, so there is nothing to derive for it.
    derivers: tuple[tuple[str, str], ...] = ()
    stored: frozenset[str] = frozenset()
    response: Response | None = None  # None: the caller records the page itself


class Extractable(Protocol):
    def job(self) -> Job: ...


P = TypeVar("P", bound=Extractable)


class Prepared(NamedTuple):
    extracted: Extracted
    packed: tuple[Packed, Packed]  # the text's and the HTML's blob values (compressing is CPU work too)
    # For the receivers (derived.py); empty for a page that is no article or that the archive holds already.
    derived: dict[str, Any]
    digest: str  # its content hash (contenthash.py)
    records: Built | None  # the page's WARC records, built where ``derived`` is (if the job has its response)


def extract_jobs(jobs: list[Job]) -> list[Prepared]:
    """Extract every page of a batch, as the one-by-one importer did, and derive what the receivers will need
    (runs in a pool worker)."""
    prepared = []
    for job in jobs:
        text = decode_body(job.body, job.content_type)
        extracted = extract_article(
            text, job.url, language=job.language, timezone=job.timezone, rules=job.rules
        )
        packed, digest = (pack(extracted.text), pack(extracted.html)), extracted_hash(extracted)
        new = extracted.text.strip() and digest not in job.stored
        found = derive(job.derivers, extracted) if new else {}
        prepared.append(Prepared(extracted, packed, found, digest, _records(job) if new else None))
    return prepared


def _records(job: Job) -> Built | None:
    if job.response is None:
        return None
    status, reason, headers, fetched_at = job.response
    return build_exchange(job.url, [], status, reason, headers, job.body, fetched_at)


def default_workers(total_bytes: int) -> int:
    """Worker processes for an import of ``total_bytes``: none for a small input (starting a worker and loading
    its language model costs about a second and a half), else one per core but the one the storing process
    keeps busy (about half the work: the rows, the receivers' queries; on 2 cores a second worker added 3%)."""
    return 0 if total_bytes < 8 * 1024 * 1024 else max(1, (os.cpu_count() or 1) - 1)


# Batches queued for the workers beyond one each: the storing side's time per batch varies (a WARC fsync, a WAL
# checkpoint, a batch of long pages: the slowest of 100 took twice the median), and with nothing queued the
# workers wait out each slow batch. With both sides equally fast (bench/record.py --spare-batches), two spare
# batches gave 6-8% more articles/s than none; each holds a batch's pages and results in memory.
SPARE_BATCHES = 2


class Extraction:
    """Batches of pages in, (batch, extracted) out, in order; with workers, the ``workers`` + SPARE_BATCHES batches
    after the one the caller is storing are being extracted, or wait extracted."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool = None
        if workers:
            context = multiprocessing.get_context("forkserver")
            # The derivers' modules too: loaded once in the fork server, not once per worker
            derivers = [path.partition(":")[0] for _, path in registered()]
            context.set_forkserver_preload(["wirewatch.extraction", *derivers])
            self.pool = ProcessPoolExecutor(workers, mp_context=context)

    def run(self, batches: Iterable[list[P]]) -> Iterator[tuple[list[P], list[Prepared]]]:
        if self.pool is None:
            for batch in batches:
                yield batch, extract_jobs([page.job() for page in batch])
            return
        pending: deque[tuple[list[P], Future]] = deque()
        for batch in batches:
            pending.append((batch, self.pool.submit(extract_jobs, [page.job() for page in batch])))
            if len(pending) > self.workers + SPARE_BATCHES:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
