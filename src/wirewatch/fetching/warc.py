"""The proof of every fetch: request/response pairs in rotating, per-record gzipped WARC files (warcio).

Format: WARC/1.1 (ISO 28500:2017, https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/).
Each record is its own gzip member, so a reader can seek to a record's offset, and a kill -9 mid-write damages
only the last record. Files are written as ``<name>.warc.gz.open`` and renamed when closed, so a file without
``.open`` is complete.

What the response record holds: the body as the application saw it, i.e. after de-chunking and after removing
Content-Encoding. We decode while streaming (to cap a gzip bomb at the decoded size) and never keep the
compressed bytes, so storing them "as on the wire" is not possible without buffering twice. To keep the record
self-consistent, Transfer-Encoding, Content-Encoding and Content-Length are replaced by the true Content-Length
of the stored body, and the originals kept as ``X-Archive-Orig-<name>`` (the convention pywb uses for headers it
rewrites), so the record still says what the server sent.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import logging
import os
import threading
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from django.conf import settings
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

log = logging.getLogger(__name__)
Headers = Mapping[str, str] | Iterable[tuple[str, str]]

_REWRITTEN = ("transfer-encoding", "content-encoding", "content-length")
_OPEN_SUFFIX = ".open"


@dataclass(frozen=True)
class WarcLocation:
    file: str  # file name relative to the WARC directory, final name (without ".open")
    offset: int  # byte offset of the record's gzip member
    record_id: str  # WARC-Record-ID, e.g. "<urn:uuid:...>"


@dataclass(frozen=True)
class Built:
    """Records built, not yet written: their gzip members (bytes to append as they are) and the WARC-Record-ID
    the written location will name."""

    data: bytes
    record_id: str


def _pairs(headers: Headers) -> list[tuple[str, str]]:
    if hasattr(headers, "multi_items"):  # httpx.Headers keeps repeated headers (Set-Cookie) apart
        return list(headers.multi_items())
    if isinstance(headers, Mapping):
        return list(headers.items())
    return list(headers)


def stored_response_headers(headers: Headers, body_length: int) -> list[tuple[str, str]]:
    """Response headers as stored beside a decoded, de-chunked body (see the module docstring)."""
    kept, originals = [], []
    for name, value in _pairs(headers):
        if name.lower() in _REWRITTEN:
            originals.append((f"X-Archive-Orig-{name}", value))
        else:
            kept.append((name, value))
    return kept + originals + [("Content-Length", str(body_length))]


def _warc_date(moment: datetime) -> str:
    return datetime_to_iso_date(moment.astimezone(UTC).replace(tzinfo=None), use_micros=True)


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def build_exchange(
    url: str,
    request_headers: Headers,
    status: int,
    reason: str,
    response_headers: Headers,
    body: bytes,
    fetched_at: datetime,
    ip: str | None = None,
) -> Built:
    """A response record and its request record (WARC-Concurrent-To). Pure CPU (digests, gzip), so the WARC
    importer's workers build them and the storing process only appends the bytes (``WarcWriter.append``)."""
    common = {"WARC-Date": _warc_date(fetched_at)}
    if ip:
        common["WARC-IP-Address"] = ip
    builder = WARCWriter(io.BytesIO(), gzip=True, warc_version="1.1")
    http = StatusAndHeaders(
        f"{status} {reason or ''}".strip(), stored_response_headers(response_headers, len(body)), "HTTP/1.1"
    )
    response = builder.create_warc_record(
        url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http,
        warc_headers_dict=dict(common),
    )  # fmt: skip
    record_id = response.rec_headers.get_header("WARC-Record-ID")
    request_http = StatusAndHeaders(
        f"GET {_request_target(url)} HTTP/1.1", _pairs(request_headers), is_http_request=True
    )
    request = builder.create_warc_record(
        url,
        "request",
        http_headers=request_http,
        warc_headers_dict={**common, "WARC-Concurrent-To": record_id},
    )
    return Built(_members([response, request]), record_id)


def _members(records: list) -> bytes:
    """``records`` as one gzip member each, as they will lie in the file."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    for record in records:
        writer.write_record(record)
    return out.getvalue()


class WarcWriter:
    """Append exchanges to ``directory``; thread-safe; a new file once the current one reaches ``max_bytes``."""

    def __init__(
        self, directory: Path | None = None, max_bytes: int | None = None, prefix: str = "wirewatch"
    ):
        self.directory = Path(directory or settings.WARC_DIR)
        self.max_bytes = max_bytes or settings.WIREWATCH["WARC_MAX_BYTES"]
        self.prefix = prefix
        self._lock = threading.Lock()
        self._file: BinaryIO | None = None
        self._name = ""
        self._serial = 0
        self._builder = WARCWriter(io.BytesIO(), gzip=True, warc_version="1.1")  # builds records, writes none

    def write_failure(self, url: str, error: str, fetched_at: datetime) -> WarcLocation:
        """Record a failed attempt (timeout, refused, too large...) as a ``metadata`` record (application/warc-fields)."""
        fields = {"fetch-error": error, "fetched-at": _warc_date(fetched_at)}
        payload = "".join(f"{k}: {' '.join(v.split())}\r\n" for k, v in fields.items()).encode("utf-8")
        record = self._builder.create_warc_record(
            url, "metadata", payload=io.BytesIO(payload), length=len(payload),
            warc_headers_dict={"WARC-Date": _warc_date(fetched_at)},
        )  # fmt: skip
        return self.append(Built(_members([record]), record.rec_headers.get_header("WARC-Record-ID")))

    def close(self) -> None:
        with self._lock:
            self._close_file()

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def append(self, built: Built) -> WarcLocation:
        """Write records built by ``build_exchange`` (in this process or another); return the first's place: the
        response's, for an exchange."""
        with self._lock:
            out = self._current_file()
            offset = out.tell()
            try:
                out.write(built.data)
                self._after_write()
            except OSError:  # disk full: a partial record must not stay in the middle of the file
                self._abandon_file(offset)
                raise
            location = WarcLocation(self._name, offset, built.record_id)
            if out.tell() >= self.max_bytes:
                self._sync_file()
                self._close_file()
            return location

    def _after_write(self) -> None:
        self._sync_file()  # a crash now loses nothing already reported to the caller

    def _sync_file(self) -> None:
        if self._file is not None:
            self._file.flush()
            os.fsync(self._file.fileno())

    def _current_file(self) -> BinaryIO:
        if self._file is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            while self._file is None:
                self._serial += 1
                stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")[:17]
                self._name = f"{self.prefix}-{stamp}-{self._serial:05d}.warc.gz"
                try:  # "x": another writer in the same directory never shares our file
                    self._file = open(self.directory / (self._name + _OPEN_SUFFIX), "xb")  # noqa: SIM115
                except FileExistsError:
                    continue
                # Held until closed (or the process dies): recover_open_files() leaves a locked file alone.
                fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            self._write_warcinfo(self._file)
        return self._file

    def _write_warcinfo(self, out: BinaryIO) -> None:
        writer = WARCWriter(out, gzip=True, warc_version="1.1")
        info = {"software": "Wirewatch (warcio)", "format": "WARC File Format 1.1"}
        writer.write_record(writer.create_warcinfo_record(self._name, info))

    def _abandon_file(self, offset: int) -> None:
        """Cut the current file back to ``offset`` (before a failed write) and close it; the next record
        starts a new file. Closing may flush the rest of the failed write: the cut comes after it."""
        file, path = self._file, self.directory / (self._name + _OPEN_SUFFIX)
        self._file = None
        with contextlib.suppress(OSError):
            file.close()
        with open(path, "r+b") as stream:
            stream.truncate(offset)
            os.fsync(stream.fileno())
        os.replace(path, self.directory / self._name)

    def _close_file(self) -> None:
        if self._file is None:
            return
        self._file.close()
        os.replace(self.directory / (self._name + _OPEN_SUFFIX), self.directory / self._name)
        self._file = None


def _open_for_reading(directory: Path, name: str) -> BinaryIO:
    if Path(name).name != name or not name:
        raise ValueError(f"not a WARC file name: {name!r}")
    for candidate in (directory / name, directory / (name + _OPEN_SUFFIX)):
        try:
            return open(candidate, "rb")  # noqa: SIM115 (returned to a with-block)
        except FileNotFoundError:
            continue
    raise FileNotFoundError(directory / name)


def read_record(directory: Path, location: WarcLocation) -> tuple[StatusAndHeaders, bytes]:
    """The record at ``location``: its HTTP headers (WARC headers for non-HTTP records) and its body.

    Also finds a file still being written (``.open``). Raises ValueError if the record there is not the one
    expected, so a proof link never shows another page.
    """
    with _open_for_reading(Path(directory), location.file) as stream:
        stream.seek(location.offset)
        record = next(iter(ArchiveIterator(stream)), None)
        if record is None or record.rec_headers.get_header("WARC-Record-ID") != location.record_id:
            raise ValueError(f"no record {location.record_id} at {location.file}:{location.offset}")
        headers = record.http_headers or record.rec_headers
        return headers, record.content_stream().read()


# -- crash recovery ------------------------------------------------------------------------------------------

_READ_CHUNK = 1 << 20


def complete_gzip_length(stream: BinaryIO) -> int:
    """Bytes of ``stream`` (from its position) made of whole gzip members: what is left after a kill -9
    mid-write is a member without its end (RFC 1952 §2.2: each member ends with CRC32 and ISIZE)."""
    start = good = stream.tell()
    position, decompressor, pending = start, None, b""
    while chunk := pending or stream.read(_READ_CHUNK):
        pending = b""
        decompressor = decompressor or zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            decompressor.decompress(chunk)
        except zlib.error:
            return good
        if decompressor.eof:
            used = len(chunk) - len(decompressor.unused_data)
            position += used
            good, pending, decompressor = position, decompressor.unused_data, None
        else:
            position += len(chunk)
    return good


def member_is_complete(path: Path, offset: int) -> bool:
    """Whether the gzip member starting at ``offset`` is whole (only the last one of a file can be cut)."""
    with open(path, "rb") as stream:
        stream.seek(offset)
        decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            while not decompressor.eof and (chunk := stream.read(_READ_CHUNK)):
                decompressor.decompress(chunk)
        except zlib.error:
            return False
        return decompressor.eof


def recover_open_files(directory: Path | None = None) -> list[str]:
    """Close what a crashed writer left: cut each unlocked ``*.warc.gz.open`` file after its last whole record
    and give it its final name. Files another live writer holds (locked) are left alone. Returns the names."""
    directory = Path(directory or settings.WARC_DIR)
    recovered = []
    for path in sorted(directory.glob(f"*.warc.gz{_OPEN_SUFFIX}")):
        try:
            opened = open(path, "r+b")  # noqa: SIM115 (closed by the with below)
        except FileNotFoundError:  # another starting worker recovered it since we listed the folder
            continue
        with opened as stream:
            try:
                fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # a running writer's current file
            keep = complete_gzip_length(stream)
            if keep < os.fstat(stream.fileno()).st_size:
                log.warning("%s: cut a partial last record (%d bytes kept)", path.name, keep)
                stream.truncate(keep)
            os.fsync(stream.fileno())
        final = path.with_name(path.name.removesuffix(_OPEN_SUFFIX))
        if not final.exists():
            os.replace(path, final)
            recovered.append(final.name)
    return recovered
