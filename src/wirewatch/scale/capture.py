"""One raw capture (a WARC record) by its place, from the data directory or else from object storage.

Each record we write is its own gzip member (fetching/warc.py), and a Fetch row keeps the file name, the
member's offset and the record's WARC-Record-ID, but not its length. So the record is read from its offset to
the end of its gzip member (RFC 1952 §2.2: a member ends with its CRC32 and ISIZE): locally with a seek, in the
bucket with one ranged GET (``Range: bytes=<offset>-``, RFC 9110 §14.1.2) whose body is closed as soon as the
member ends, so a web host needs neither NFS nor a download of the whole (up to 1 GB) file. The bytes handed
out are the record exactly as stored, so a reader can check its WARC-Block-Digest.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable

from django.conf import settings
from warcio.archiveiterator import ArchiveIterator

from wirewatch.fetching.warc import WarcLocation, _open_for_reading

_CHUNK = 64 * 1024
# A record is one fetched page plus headers; the fetcher caps bodies far below this. A member that goes on
# longer is not one of ours: stop rather than read a whole file into memory.
MAX_RECORD_BYTES = 256 * 1024 * 1024


class CaptureMissing(LookupError):
    """Neither the data directory nor the bucket has the file (or the record there is not the one expected)."""


class StorageUnavailable(OSError):
    """The bucket did not answer: the capture may be there, try again later."""


def read_capture(location: WarcLocation) -> bytes:
    """The gzip member holding the record at ``location``, from the local WARC directory if the file is
    there (also while still ``.open``), else from the "warc" object storage when WIREWATCH_WARC_STORAGE=s3."""
    try:
        with _open_for_reading(settings.WARC_DIR, location.file) as stream:
            stream.seek(location.offset)
            member = _one_member(stream.read)
        where = "the data directory"
    except ValueError:  # not a plain file name: never one of ours
        raise CaptureMissing(f"not a WARC file name: {location.file!r}") from None
    except FileNotFoundError:
        if settings.WARC_STORAGE != "s3":
            raise CaptureMissing(f"{location.file} is not in the WARC directory of this host") from None
        member, where = _from_bucket(location), "object storage"
    _check(member, location, where)
    return member


def _one_member(read: Callable[[int], bytes]) -> bytes:
    """The compressed bytes of the one gzip member ``read`` starts with (empty if none or cut short)."""
    decompressor, taken = zlib.decompressobj(16 + zlib.MAX_WBITS), bytearray()
    while not decompressor.eof and (chunk := read(_CHUNK)):
        try:
            decompressor.decompress(chunk)
        except zlib.error:
            return b""
        taken += chunk
        if len(taken) > MAX_RECORD_BYTES:
            return b""
    if not decompressor.eof:
        return b""
    return bytes(taken[: len(taken) - len(decompressor.unused_data)])


def _check(member: bytes, location: WarcLocation, where: str) -> None:
    # The same guard as fetching.warc.read_record: a proof link must never show another page's record.
    record = next(iter(ArchiveIterator(io.BytesIO(member))), None) if member else None
    if record is None or record.rec_headers.get_header("WARC-Record-ID") != location.record_id:
        raise CaptureMissing(
            f"no record {location.record_id} at {location.file}:{location.offset} in {where}"
        )


def _from_bucket(location: WarcLocation) -> bytes:
    from botocore.exceptions import BotoCoreError, ClientError
    from django.core.files.storage import storages
    from storages.utils import clean_name

    storage = storages["warc"]
    # S3Storage's own key for a name (its "location" prefix included), as upload_closed() stored it.
    key = storage._normalize_name(clean_name(location.file))
    try:
        answer = storage.bucket.Object(key).get(Range=f"bytes={location.offset}-")
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code in ("NoSuchKey", "404", "InvalidRange", "416"):
            raise CaptureMissing(
                f"{location.file} is in neither the data directory nor object storage"
                " (a file still being written on a worker is copied once it closes)"
            ) from None
        raise StorageUnavailable(f"object storage refused the read: {code or exc}") from exc
    except BotoCoreError as exc:  # connection refused, timeout, bad endpoint
        raise StorageUnavailable(f"object storage unreachable: {exc}") from exc
    body = answer["Body"]
    try:
        return _one_member(body.read)
    except BotoCoreError as exc:  # the connection dropped mid-body
        raise StorageUnavailable(f"object storage read failed: {exc}") from exc
    finally:
        body.close()  # stop the transfer of the rest of the file
