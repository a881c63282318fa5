"""The WARC importer's batches: extraction off the main process, one transaction and one fsync per batch.

Profiling ``wirewatch import warc`` one page at a time (docs/performance.md) showed each stored article paying
for its own WARC fsync, its own commit and its own savepoints, besides extraction; then for ~17 ORM statements
and the receivers of its own ``versions_stored`` send. A batch keeps what the one-by-one path guaranteed: its
pages leave the rows ``store._store`` would leave page after page (written in bulk by batchstore.py, receivers told
once per batch through ``versions_stored``), the WARC records are on disk before the transaction that names
them commits, and a batch commits whole or not at all, so a killed import keeps every finished batch and a
re-import adds the rest (pages already stored are recognised by their content hash).

Extraction of the batches is extractpool.py's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from django.db import transaction

from wirewatch.archive import derived
from wirewatch.archive.batchstore import BatchStore
from wirewatch.archive.extractpool import Job, Prepared, Response
from wirewatch.archive.models import Article, Version
from wirewatch.fetching.records import Attempt
from wirewatch.fetching.warc import Built, WarcWriter, build_exchange
from wirewatch.sources.models import Source

BATCH_PAGES = 50  # pages per transaction: about a second of SQLite's write lock (other writers wait) at the measured rate


@dataclass(frozen=True)
class Page:
    """One imported page on its way to the store."""

    source: Source
    url: str
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes
    fetched_at: datetime
    # The content hashes the archive held at this URL when the batch was read (with_stored_digests).
    stored: frozenset[str] = frozenset()

    def job(self) -> Job:
        return Job(self.url, self.body, dict_get(self.headers, "content-type"), self.source.language,
                   self.source.timezone, self.source.rules.get("article") or None, derived.registered(),
                   self.stored, Response(self.status, self.reason, self.headers, self.fetched_at))  # fmt: skip


def dict_get(headers: list[tuple[str, str]], name: str) -> str:
    return next((value for key, value in headers if key.lower() == name), "")


class BatchWarc(WarcWriter):
    """Our WarcWriter, fsyncing once per batch (``sync``) instead of after every exchange. The importer calls
    ``sync`` before committing the batch, so no committed version names a record that is not on disk."""

    def _after_write(self) -> None:
        pass  # synced once per batch, by ``sync``

    def sync(self) -> None:
        with self._lock:
            self._sync_file()


@dataclass
class BatchCounts:
    new_articles: int = 0
    new_versions: int = 0
    already_stored: int = 0
    not_articles: int = 0


class _Known:
    """The live article at each (source, URL) of a batch and the content hashes of all its versions, read in two
    queries and kept current as the batch stores (an import skips a page equal to *any* stored version)."""

    def __init__(self, pages: list[Page], lock: bool = True) -> None:
        urls = {page.url for page in pages}
        sources = {page.source.pk for page in pages}
        live = Article.objects.filter(source_id__in=sources, url__in=urls, superseded_at__isnull=True)
        if lock:  # as store_extracted: a concurrent writer (PostgreSQL) waits for our batch
            live = live.select_for_update()
        self.articles: dict[tuple[int, str], Article] = {(a.source_id, a.url): a for a in live}
        self.hashes: dict[tuple[int, str], set[str]] = {key: set() for key in self.articles}
        key_of = {article.pk: key for key, article in self.articles.items()}
        rows = Version.objects.filter(article_id__in=list(key_of)).values_list("article_id", "content_hash")
        for article_id, digest in rows:
            self.hashes[key_of[article_id]].add(digest)

    def stored(self, page: Page, digest: str) -> bool:
        return digest in self.hashes.get((page.source.pk, page.url), ())

    def add(self, page: Page, article: Article, digest: str) -> None:
        key = (page.source.pk, page.url)
        self.articles[key] = article
        self.hashes.setdefault(key, set()).add(digest)


def with_stored_digests(pages: list[Page]) -> list[Page]:
    """``pages`` knowing the content hashes stored at their URLs now, so that the extraction workers derive
    nothing for a page the importer will skip (re-importing a file: every page). Read before the batches
    extracted ahead of it are stored: a page stored by one of those still gets its values derived, unused."""
    known = _Known(pages, lock=False)
    return [
        replace(page, stored=frozenset(known.hashes.get((page.source.pk, page.url), ()))) for page in pages
    ]


def store_batch(pages: list[Page], extracted: list[Prepared], warc: BatchWarc) -> BatchCounts:
    """Store one batch in one transaction; the batch's WARC records are synced before it commits."""
    counts = BatchCounts()
    with transaction.atomic():
        known, store = _Known(pages), BatchStore()
        for page, (result, packed, found, digest, records) in zip(pages, extracted, strict=True):
            if not result.text.strip():
                counts.not_articles += 1
                continue
            if known.stored(page, digest):
                counts.already_stored += 1
                continue
            article = known.articles.get((page.source.pk, page.url))
            counts.new_articles += article is None
            counts.new_versions += 1
            attempt = _attempt(page, warc, records)
            known.add(page, store.add(page.source, article, page.url, result, digest, packed, attempt, found),
                      digest)  # fmt: skip
        store.flush()
        warc.sync()
    return counts


def _attempt(page: Page, warc: BatchWarc, records: Built | None) -> Attempt:
    """The page re-recorded in our WARC file, as the Fetch row that will name it. Its records come built from the
    extraction, which builds them for every page it finds new (the pages this function sees); built here else."""
    if records is None:
        records = build_exchange(
            page.url, [], page.status, page.reason, page.headers, page.body, page.fetched_at
        )
    location = warc.append(records)
    return Attempt(page.url, "import", page.source.pk, page.fetched_at, final_url=page.url, status_code=200,
                   body_bytes=len(page.body), warc=location)  # fmt: skip
