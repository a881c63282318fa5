"""``wirewatch import warc``: backfill articles from WARC files, ours or any crawler's.

Each HTML response (HTTP 200) whose URL belongs to a source (longest matching URL prefix of its home, feeds,
listings and sitemaps; or the one source forced with ``--source``) is extracted like a fetched page and stored
as a version. Idempotent: a page whose content is already one of the article's versions adds nothing, so
importing a file twice adds nothing. What is stored is re-recorded in our own WARC files (a response record
and a request record naming what we know of the request), so every version still links to a record we hold.
Pages are stored in batches, one transaction each (importbatch.py): an interrupted import keeps its finished
batches, and running it again completes it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from wirewatch.archive.extractpool import Extraction, default_workers
from wirewatch.archive.importbatch import (
    BATCH_PAGES,
    BatchCounts,
    BatchWarc,
    Page,
    store_batch,
    with_stored_digests,
)
from wirewatch.archive.warcread import ReadStats, Record, read_warc
from wirewatch.discovery.urls import canonicalize_url
from wirewatch.sources.models import Source


@dataclass
class ImportReport:
    files: int = 0
    records: int = 0
    pages: int = 0  # HTML 200 responses
    new_articles: int = 0
    new_versions: int = 0
    already_stored: int = 0
    unknown_host: int = 0
    not_articles: int = 0  # no article text (listings, home pages, errors)
    truncated: int = 0
    hosts_skipped: dict[str, int] = field(default_factory=dict)


class SourceMap:
    """URL -> source by the longest known prefix (scheme, host and first path segment of each source URL)."""

    def __init__(self, sources: Iterable[Source]) -> None:
        self.prefixes: list[tuple[str, Source]] = []
        for source in sources:
            for url in {source.home, *source.feeds, *source.listings, *source.sitemaps}:
                if url:
                    self.prefixes.extend((prefix, source) for prefix in _prefixes(url))
        self.prefixes.sort(key=lambda pair: len(pair[0]), reverse=True)

    def find(self, url: str) -> Source | None:
        return next((source for prefix, source in self.prefixes if url.startswith(prefix)), None)


def _prefixes(url: str) -> list[str]:
    parts = urlsplit(url)
    host = f"{parts.scheme}://{parts.netloc}"
    first = parts.path.strip("/").split("/")[0]
    return [host + "/", f"{host}/{first}/"] if first else [host + "/"]


def _is_html(record: Record) -> bool:
    kind = record.header("content-type").lower()
    return not kind or "html" in kind


class Importer:
    def __init__(
        self,
        source: Source | None,
        progress: Callable[[str], None] | None,
        workers: int | None = None,
        batch: int = BATCH_PAGES,
    ) -> None:
        self.forced = source
        self.sources = SourceMap(Source.objects.all())
        self.progress = progress
        self.report = ImportReport()
        self.workers = workers
        self.batch = max(1, batch)
        self.warc = BatchWarc(
            settings.WARC_DIR, settings.WIREWATCH["WARC_MAX_BYTES"], prefix="wirewatch-import"
        )
        self._shown = 0.0
        self._label = ""

    def run(self, paths: list[Path]) -> ImportReport:
        total = sum(path.stat().st_size for path in paths)
        extraction = Extraction(default_workers(total) if self.workers is None else self.workers)
        try:
            for pages, extracted in extraction.run(self._batches(paths)):
                self._add(store_batch(pages, extracted, self.warc))
                self._show()
        finally:
            extraction.close()
            self.warc.close()
            self._show(final=True)
        return self.report

    def _batches(self, paths: list[Path]) -> Iterator[list[Page]]:
        batch: list[Page] = []
        for number, path in enumerate(paths, 1):
            for page in self._file(path, number, len(paths)):
                batch.append(page)
                if len(batch) >= self.batch:
                    yield with_stored_digests(batch)
                    batch = []
        if batch:
            yield with_stored_digests(batch)

    def _file(self, path: Path, number: int, total: int) -> Iterator[Page]:
        stats, size = ReadStats(), max(1, path.stat().st_size)
        self.report.files += 1
        for record in read_warc(path, stats):
            self.report.records += 1
            self._label = f"{path.name} ({number}/{total}) {100 * min(record.offset, size) // size}%"
            if record.type == "response" and record.status == 200 and _is_html(record):
                page = self._page(record)
                if page is not None:
                    yield page
        self.report.truncated += stats.truncated + stats.unreadable

    def _page(self, record: Record) -> Page | None:
        self.report.pages += 1
        try:
            url = canonicalize_url(record.url)
        except ValueError:
            self.report.not_articles += 1
            return None
        source = self.forced or self.sources.find(url)
        if source is None:
            host = urlsplit(url).netloc
            self.report.unknown_host += 1
            self.report.hosts_skipped[host] = self.report.hosts_skipped.get(host, 0) + 1
            return None
        return Page(source, url, record.status or 200, record.reason, record.headers, record.body,
                    record.date or timezone.now())  # fmt: skip

    def _add(self, counts: BatchCounts) -> None:
        self.report.new_articles += counts.new_articles
        self.report.new_versions += counts.new_versions
        self.report.already_stored += counts.already_stored
        self.report.not_articles += counts.not_articles

    def _show(self, final: bool = False) -> None:
        if self.progress is None or (not final and time.monotonic() - self._shown < 0.5):
            return
        self._shown = time.monotonic()
        r = self.report
        line = f"{self._label}: {r.records} records, {r.new_articles} new articles, {r.new_versions} versions"
        self.progress(line + ("\n" if final else ""))


def stderr_progress(line: str) -> None:
    sys.stderr.write("\r\x1b[K" + line if sys.stderr.isatty() else line.rstrip("\n") + "\n")
    sys.stderr.flush()


def import_warcs(
    paths: list[Path],
    *,
    source: Source | None = None,
    progress: Callable[[str], None] | None = None,
    workers: int | None = None,
    batch: int = BATCH_PAGES,
) -> ImportReport:
    """Import every article page of the WARC files at ``paths``; see the module docstring. ``workers``:
    extraction processes (0: extract in this process; None: by the input's size, see extractpool);
    ``batch``: pages per transaction."""
    return Importer(source, progress, workers, batch).run([Path(p) for p in paths])
