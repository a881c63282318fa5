"""Reading feeds that do not say their encoding.

feedparser honours the HTTP charset, the BOM and the XML declaration (RFC 3023 / RFC 7303), and falls back to
chardet when it is installed; we ship charset-normalizer instead, so when a feed declares nothing and is not
UTF-8 (old Korean, Chinese and Japanese sites serve EUC-KR, GB2312, Shift_JIS like that) we detect the
encoding here and hand feedparser UTF-8 with a charset saying so.
"""

from __future__ import annotations

import re
from email.message import Message

from charset_normalizer import from_bytes

from .xmlsafety import BOMS

_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]*\bencoding\s*=", re.IGNORECASE)


def _charset_of(content_type: str) -> str | None:
    message = Message()
    message["content-type"] = content_type
    return message.get_param("charset")


def _declares_encoding(body: bytes, content_type: str) -> bool:
    if any(body.startswith(magic) for magic, _ in BOMS):
        return True
    return bool(_XML_ENCODING.match(body[:500])) or bool(_charset_of(content_type))


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def transcode_undeclared(body: bytes, headers: dict[str, str]) -> tuple[bytes, str | None]:
    """Return (body, detected encoding): UTF-8 bytes and a fixed ``headers`` when we had to guess, else as is."""
    content_type = headers.get("content-type", "")
    if _declares_encoding(body, content_type) or _is_utf8(body):
        return body, None
    best = from_bytes(body[:200_000]).best()
    if best is None or best.encoding in ("utf_8", "ascii"):
        return body, None
    try:
        text = body.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return body, None
    media_type = content_type.split(";", 1)[0].strip() or "application/xml"
    headers["content-type"] = f"{media_type}; charset=utf-8"
    return text.encode("utf-8"), best.encoding
