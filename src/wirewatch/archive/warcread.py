"""Reading WARC files, ours or anyone's (warcio), skipping a truncated last record.

A writer killed mid-record leaves a last record that warcio may still hand out with part of its body: we hold
each record back until the next one starts, and check the last one (a whole gzip member, or for an
uncompressed file the record's closing CRLF CRLF, ISO 28500 §4) before handing it out.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.timeutils import iso_date_to_datetime

from wirewatch.fetching.warc import member_is_complete


@dataclass(frozen=True)
class Record:
    type: str  # response | request | metadata | warcinfo | resource | revisit ...
    url: str
    date: datetime | None
    record_id: str
    concurrent_to: str
    status: int | None  # HTTP status of a response record
    reason: str
    headers: list[tuple[str, str]]  # HTTP headers (response or request)
    body: bytes  # the payload, de-chunked
    offset: int  # where its record starts in the file (its gzip member)
    length: int  # bytes it takes in the file

    def header(self, name: str) -> str:
        return next((value for key, value in self.headers if key.lower() == name.lower()), "")


@dataclass
class ReadStats:
    records: int = 0
    truncated: int = 0
    unreadable: int = 0


def _date(value: str | None) -> datetime | None:
    try:
        return iso_date_to_datetime(value).replace(tzinfo=UTC) if value else None
    except ValueError:
        return None


def _status(http) -> tuple[int | None, str]:
    if http is None or not http.statusline:
        return None, ""
    code, _, reason = http.statusline.partition(" ")
    return (int(code), reason) if code.isdigit() else (None, http.statusline)


def _view(record, iterator: ArchiveIterator) -> Record:
    headers = record.rec_headers
    body = record.content_stream().read()
    status, reason = _status(record.http_headers) if record.rec_type == "response" else (None, "")
    http = record.http_headers.headers if record.http_headers else []
    return Record(
        type=record.rec_type, url=headers.get_header("WARC-Target-URI") or "",
        date=_date(headers.get_header("WARC-Date")), record_id=headers.get_header("WARC-Record-ID") or "",
        concurrent_to=headers.get_header("WARC-Concurrent-To") or "", status=status, reason=reason,
        headers=list(http), body=body, offset=iterator.get_record_offset(), length=iterator.get_record_length(),
    )  # fmt: skip


def _last_is_whole(path: Path, record: Record, gzipped: bool) -> bool:
    if gzipped:
        return member_is_complete(path, record.offset)
    with open(path, "rb") as stream:  # the file's end must be the record's end: its CRLF CRLF
        stream.seek(max(0, path.stat().st_size - 4))
        return stream.read(4) == b"\r\n\r\n"


def read_warc(path: Path, stats: ReadStats | None = None) -> Iterator[Record]:
    """Every whole record of the WARC (or ARC) file at ``path``, in order; a cut last record is counted in
    ``stats.truncated`` and skipped, a file that breaks mid-way counted in ``stats.unreadable``."""
    stats = stats if stats is not None else ReadStats()
    path = Path(path)
    with open(path, "rb") as stream:
        gzipped = stream.read(2) == b"\x1f\x8b"
        stream.seek(0)
        iterator = ArchiveIterator(stream)
        held: Record | None = None
        try:
            for record in iterator:
                current = _view(record, iterator)
                if held is not None:
                    stats.records += 1
                    yield held
                held = current
        except (ArchiveLoadFailed, EOFError, OSError, ValueError):
            stats.unreadable += 1  # a damaged record: what came before it is still good
    if held is None:
        return
    if not _last_is_whole(path, held, gzipped):
        stats.truncated += 1
        return
    stats.records += 1
    if gzipped and held.offset + held.length < path.stat().st_size:
        stats.truncated += 1  # warcio stopped at a cut member after this one without a word
    yield held
