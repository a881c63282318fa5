"""``wirewatch import warc``: backfill articles from WARC files, ours or any crawler's.

Each HTML response (HTTP 200) whose URL belongs to a source (longest matching URL prefix of its home, feeds,
listings and sitemaps; or the one source forced with ``--source``) is extracted like a fetched page and stored
as a version. Idempotent: a page whose content is already one of the article's versions adds nothing, so
importing a file twice adds nothing. What is stored is re-recorded in our own WARC files (a response record
and a request record naming what we know of the request), so every version still links to a record we hold.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from wirewatch.archive.models import Version
from wirewatch.archive.store import extracted_hash, live_article, store_extracted
from wirewatch.archive.warcread import ReadStats, Record, read_warc
from wirewatch.discovery.urls import canonicalize_url
from wirewatch.extraction import extract_article
from wirewatch.fetching.decoding import decode_body
from wirewatch.fetching.records import Attempt, record_attempt
from wirewatch.fetching.warc import WarcWriter
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
    def __init__(self, source: Source | None, progress: Callable[[str], None] | None) -> None:
        self.forced = source
        self.sources = SourceMap(Source.objects.all())
        self.progress = progress
        self.report = ImportReport()
        self.warc = WarcWriter(
            settings.WARC_DIR, settings.WIREWATCH["WARC_MAX_BYTES"], prefix="wirewatch-import"
        )
        self._shown = 0.0

    def run(self, paths: list[Path]) -> ImportReport:
        try:
            for number, path in enumerate(paths, 1):
                self._file(Path(path), number, len(paths))
        finally:
            self.warc.close()
            self._show(final=True)
        return self.report

    def _file(self, path: Path, number: int, total: int) -> None:
        stats, size = ReadStats(), max(1, path.stat().st_size)
        self.report.files += 1
        for record in read_warc(path, stats):
            self.report.records += 1
            if record.type == "response" and record.status == 200 and _is_html(record):
                self._page(record)
            self._label = f"{path.name} ({number}/{total}) {100 * min(record.offset, size) // size}%"
            self._show()
        self.report.truncated += stats.truncated + stats.unreadable

    def _page(self, record: Record) -> None:
        self.report.pages += 1
        try:
            url = canonicalize_url(record.url)
        except ValueError:
            self.report.not_articles += 1
            return
        source = self.forced or self.sources.find(url)
        if source is None:
            host = urlsplit(url).netloc
            self.report.unknown_host += 1
            self.report.hosts_skipped[host] = self.report.hosts_skipped.get(host, 0) + 1
            return
        self._store(source, url, record)

    def _store(self, source: Source, url: str, record: Record) -> None:
        text = decode_body(record.body, record.header("content-type"))
        extracted = extract_article(text, url, language=source.language, timezone=source.timezone,
                                    rules=source.rules.get("article") or None)  # fmt: skip
        if not extracted.text.strip():
            self.report.not_articles += 1
            return
        article = live_article(source, url)
        if (
            article
            and Version.objects.filter(article=article, content_hash=extracted_hash(extracted)).exists()
        ):
            self.report.already_stored += 1
            return
        fetched_at = record.date or timezone.now()
        location = self.warc.write_exchange(url, [], record.status or 200, record.reason, record.headers,
                                            record.body, fetched_at)  # fmt: skip
        fetch_id = record_attempt(Attempt(url, "import", source.pk, fetched_at, final_url=url, status_code=200,
                                          body_bytes=len(record.body), warc=location))  # fmt: skip
        stored = store_extracted(source, url, extracted, fetch_id=fetch_id, fetched_at=fetched_at)
        self.report.new_articles += stored.created
        self.report.new_versions += stored.version is not None

    def _show(self, final: bool = False) -> None:
        if self.progress is None or (not final and time.monotonic() - self._shown < 0.5):
            return
        self._shown = time.monotonic()
        r = self.report
        line = f"{getattr(self, '_label', '')}: {r.records} records, {r.new_articles} new articles, {r.new_versions} versions"
        self.progress(line + ("\n" if final else ""))


def stderr_progress(line: str) -> None:
    sys.stderr.write("\r\x1b[K" + line if sys.stderr.isatty() else line.rstrip("\n") + "\n")
    sys.stderr.flush()


def import_warcs(
    paths: list[Path], *, source: Source | None = None, progress: Callable[[str], None] | None = None
) -> ImportReport:
    """Import every article page of the WARC files at ``paths``; see the module docstring."""
    return Importer(source, progress).run([Path(p) for p in paths])
