"""Bytes to text for fetched pages, in the order browsers use, with detection when a declaration lies.

The sources declare charsets badly: pages that say UTF-8 but are CP949 or Shift_JIS, EUC-KR labels on pages
that use CP949's extra Hangul syllables. A declaration is therefore only trusted when the body decodes
strictly with it; otherwise charset-normalizer guesses. ``decode_body`` never raises.
"""

from __future__ import annotations

import codecs
import re
from email.message import Message

from charset_normalizer import from_bytes

# Labels whose real-world use is a superset encoding. This follows the WHATWG Encoding Standard's label table
# (https://encoding.spec.whatwg.org/#names-and-labels), where e.g. "euc-kr" decodes as windows-949 and
# "iso-8859-1" as windows-1252, because that is what pages labelled so actually contain.
_SUPERSETS = {
    "euc_kr": "cp949",
    "shift_jis": "cp932",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "iso8859_1": "cp1252",
    "ascii": "cp1252",
    "big5": "big5hkscs",
}

# The WHATWG "prescan a byte stream" algorithm (https://html.spec.whatwg.org/#prescan-a-byte-stream-to-determine-
# its-encoding) looks only at the first 1024 bytes; real pages put the tag later, so we read 4 KB. No installed
# library exposes the prescan, so this regex covers both <meta charset=x> and
# <meta http-equiv="Content-Type" content="text/html; charset=x">.
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
_PRESCAN_BYTES = 4096

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def normalise_charset(label: str | None) -> str | None:
    """A Python codec name for an HTTP/HTML charset label, widened to its superset; None if unknown."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except (LookupError, ValueError):
        return None
    name = name.replace("-", "_")
    return _SUPERSETS.get(name, name)


def http_charset(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header value (RFC 9110 §8.3), or None."""
    if not content_type:
        return None
    message = Message()
    message["content-type"] = content_type
    charset = message.get_param("charset")
    return charset if isinstance(charset, str) else None


def bom_charset(body: bytes) -> str | None:
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    return None


def meta_charset(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:_PRESCAN_BYTES])
    return match.group(1).decode("ascii") if match else None


def _strict(body: bytes, codec: str | None) -> str | None:
    if codec is None:
        return None
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _detect(body: bytes) -> str:
    best = from_bytes(body).best()
    codec = normalise_charset(best.encoding) if best is not None else None
    return body.decode(codec or "utf-8", errors="replace")


def decode_body(body: bytes, content_type: str | None) -> str:
    """Decode a fetched body: BOM, HTTP charset, <meta> charset, then detection.

    The BOM goes first, as in the WHATWG "decode" algorithm (https://encoding.spec.whatwg.org/#decode): a BOM
    cannot be there by accident, a header can. Each declaration must decode strictly or is skipped.
    """
    if not body:
        return ""
    if (text := _strict(body, bom_charset(body))) is not None:
        return text
    for label in (http_charset(content_type), meta_charset(body)):
        if (text := _strict(body, normalise_charset(label))) is not None:
            return text
    try:
        return _detect(body)
    except Exception:  # charset-normalizer on hostile input: never crash the pipeline over text decoding
        return body.decode("utf-8", errors="replace")
