"""``wirewatch archive export``: the WARC records of our fetches since a date, copied byte for byte.

Each record in our files is its own gzip member (fetching/warc.py), so a response and the request written
after it are copied as they are: same WARC-Record-IDs, same digests, and standard tools (pywb, warcio,
replayweb.page) replay the output like the originals. A warcinfo record opens each output file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from warcio.archiveiterator import ArchiveIterator
from warcio.warcwriter import WARCWriter

from wirewatch.fetching.models import Fetch
from wirewatch.sources.models import Source

_OPEN = ".open"


@dataclass
class ExportReport:
    files: list[Path]
    exchanges: int = 0
    missing: int = 0  # Fetch rows whose WARC file or record is gone


def _members(stream: BinaryIO, offset: int, record_id: str) -> bytes | None:
    """The response's gzip member at ``offset`` plus the request member after it (WARC-Concurrent-To)."""
    stream.seek(offset)
    iterator = ArchiveIterator(stream)
    records = iter(iterator)
    response = next(records, None)
    if response is None or response.rec_headers.get_header("WARC-Record-ID") != record_id:
        return None
    response.content_stream().read()
    end = offset + iterator.get_record_length()
    request = next(records, None)
    if request is not None and request.rec_headers.get_header("WARC-Concurrent-To") == record_id:
        request.content_stream().read()
        end = iterator.get_record_offset() + iterator.get_record_length()
    stream.seek(offset)
    return stream.read(end - offset)


class _Output:
    """Rotating output files, each opened with a warcinfo record."""

    def __init__(self, directory: Path, max_bytes: int) -> None:
        self.directory, self.max_bytes = directory, max_bytes
        self.files: list[Path] = []
        self.stream: BinaryIO | None = None

    def write(self, data: bytes) -> None:
        if self.stream is None or self.stream.tell() >= self.max_bytes:
            self._open()
        self.stream.write(data)

    def _open(self) -> None:
        self.close()
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        path = self.directory / f"wirewatch-export-{stamp}-{len(self.files) + 1:05d}.warc.gz"
        self.stream = open(path, "xb")  # noqa: SIM115 (closed in close())
        self.files.append(path)
        writer = WARCWriter(self.stream, gzip=True, warc_version="1.1")
        info = {"software": "Wirewatch (warcio)", "format": "WARC File Format 1.1", "description": "export"}
        writer.write_record(writer.create_warcinfo_record(path.name, info))

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None


def _fetches(since: datetime, source: Source | None):
    rows = Fetch.objects.filter(at__gte=since, status_code__isnull=False, warc_offset__isnull=False)
    rows = rows.exclude(warc_file="")
    if source is not None:
        rows = rows.filter(source=source)
    return rows.order_by("warc_file", "warc_offset").values_list("warc_file", "warc_offset", "warc_record_id")


def _open_warc(directory: Path, name: str) -> BinaryIO | None:
    for path in (directory / name, directory / (name + _OPEN)):
        if path.is_file():
            return open(path, "rb")  # noqa: SIM115 (closed by the caller)
    return None


def export_warc(since: datetime, output: Path, *, source: Source | None = None) -> ExportReport:
    """Copy the request and response records of every fetch since ``since`` into WARC file(s) in ``output``."""
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    out = _Output(output, settings.WIREWATCH["WARC_MAX_BYTES"])
    report, directory = ExportReport(out.files), Path(settings.WARC_DIR)
    current_name, stream = None, None
    try:
        for name, offset, record_id in _fetches(since, source).iterator():
            if name != current_name:
                stream and stream.close()
                current_name, stream = name, _open_warc(directory, Path(name).name)
            data = _members(stream, offset, record_id) if stream else None
            if data is None:
                report.missing += 1
                continue
            out.write(data)
            report.exchanges += 1
    finally:
        stream and stream.close()
        out.close()
    return report
