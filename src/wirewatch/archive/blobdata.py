"""A blob's row values from its text: SHA-256 digest, size and zlib data (no Django here, so that extraction
workers can compute them off the main process; models.Blob uses the same function)."""

from __future__ import annotations

import hashlib
import zlib
from typing import NamedTuple


class Packed(NamedTuple):
    digest: str  # SHA-256 of the UTF-8 text
    size: int  # bytes of the UTF-8 text
    data: bytes  # zlib (RFC 1950), level 9


def pack(value: str) -> Packed:
    raw = value.encode("utf-8")
    return Packed(hashlib.sha256(raw).hexdigest(), len(raw), zlib.compress(raw, 9))
