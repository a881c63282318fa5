"""Reading a response body with a hard cap on its *decoded* size and an overall deadline.

Written by hand because httpx's decoders inflate each network chunk without an output limit: one 64 KB chunk
of a gzip bomb becomes ~64 MB in memory before any check can run. Here zlib's ``max_length`` stops inflation
one byte past the cap. Content-Encoding values: RFC 9110 §8.4.1 (gzip, x-gzip, deflate); we only ask for those.
"""

from __future__ import annotations

import time
import zlib

import httpx


class BodyTooLarge(Exception):
    pass


class DeadlineExceeded(Exception):
    pass


class BadEncoding(Exception):
    pass


class _Inflater:
    """zlib inflation that never produces more than asked for; ``deflate`` may be zlib-wrapped or raw."""

    def __init__(self, encoding: str) -> None:
        self._raw_fallback = encoding == "deflate"  # servers send both forms under "deflate"
        wbits = zlib.MAX_WBITS | 16 if encoding in ("gzip", "x-gzip") else zlib.MAX_WBITS
        self._inflater = zlib.decompressobj(wbits)
        self._started = False

    def feed(self, data: bytes, limit: int) -> bytes:
        try:
            out = self._inflater.decompress(data, limit)
        except zlib.error as error:
            if self._started or not self._raw_fallback:
                raise BadEncoding(f"corrupt compressed body: {error}") from error
            self._inflater, self._raw_fallback = zlib.decompressobj(-zlib.MAX_WBITS), False
            return self.feed(data, limit)
        self._started = True
        return out


def _inflater_for(headers: httpx.Headers) -> _Inflater | None:
    encoding = headers.get("content-encoding", "").strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip", "deflate"):
        return _Inflater(encoding)
    raise BadEncoding(f"unsupported Content-Encoding {encoding!r} (we ask for gzip or deflate only)")


def check_declared_length(headers: httpx.Headers, max_bytes: int) -> None:
    """Refuse before reading when Content-Length already says the body is over the cap."""
    declared = headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > max_bytes:
        raise BodyTooLarge(f"Content-Length {declared} is over the {max_bytes}-byte cap")


def read_capped(response: httpx.Response, max_bytes: int, deadline: float) -> bytes:
    """The de-chunked, decoded body; BodyTooLarge past ``max_bytes``, DeadlineExceeded past ``deadline``
    (a ``time.monotonic()`` value: a server trickling bytes forever must not hold us forever)."""
    check_declared_length(response.headers, max_bytes)
    inflater = _inflater_for(response.headers)
    body = bytearray()
    for chunk in response.iter_raw():
        if time.monotonic() > deadline:
            raise DeadlineExceeded("the body was still arriving at the deadline")
        room = max_bytes - len(body)
        body += inflater.feed(chunk, room + 1) if inflater else chunk[: room + 1]
        if len(body) > max_bytes:
            raise BodyTooLarge(f"body is over the {max_bytes}-byte cap")
    return bytes(body)
