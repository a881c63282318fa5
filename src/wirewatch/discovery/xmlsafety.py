"""Refuse hostile XML before any parser that might expand it sees it.

Untrusted feeds and sitemaps can carry the classic XML attacks: entity expansion (billion laughs, quadratic
blowup), external entities (``file://``, SSRF), parameter entities, external DTDs and XInclude. defusedxml is
the well-kept detector: we parse with it and turn its exceptions into a clear message. A DOCTYPE is refused
when it declares entities, or when it points at an external DTD we do not know; the formal public
identifiers of RSS 0.91 and (X)HTML are allowed, as old feeds carry them and nobody fetches them (neither
defusedxml nor feedparser loads external DTDs).
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as DefusedET

XINCLUDE_NS = "http://www.w3.org/2001/XInclude"
KNOWN_PUBLIC_IDS = ("-//Netscape Communications//DTD RSS", "-//W3C//DTD XHTML", "-//W3C//DTD HTML")

# XML 1.0 Appendix F: how to tell the encoding family of an entity from its first bytes.
BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
)
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
DOCTYPE_SCAN = 2000  # characters of a DOCTYPE declaration looked at by the fallback scan
_SYSTEM = re.compile(r"\bSYSTEM\b")


class UnsafeXML(ValueError):
    """The document uses an XML feature we refuse to parse (entities, external DTD, XInclude)."""


def _by_bom(body: bytes) -> str | None:
    for magic, codec in BOMS:
        if body.startswith(magic):
            return body.decode(codec, errors="replace").lstrip("\ufeff")
    return None


def markup_view(body: bytes) -> str:
    """The bytes as the markup an ASCII-based parser sees: right for UTF-16/32, Latin-1 for everything else.

    Latin-1 never fails and keeps every ASCII byte, so the markup of any ASCII-compatible document survives,
    whatever it declares (the text inside may be garbled, which a safety check does not look at).
    """
    return _by_bom(body) or body.decode("latin-1")


def decode_xml(body: bytes) -> str:
    """The document as text: by its BOM or first bytes, else its declared encoding, else UTF-8, else Latin-1."""
    if (text := _by_bom(body)) is not None:
        return text
    declared = _DECLARED.match(body[:500])
    if declared:
        try:
            return body.decode(declared.group(1).decode("ascii"))
        except (UnicodeDecodeError, LookupError):
            pass  # a wrong or unknown declaration: read on as UTF-8, the XML default
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("latin-1")


def _refuse_unknown_dtd(exc: defusedxml.DTDForbidden) -> None:
    public, system = exc.pubid or "", exc.sysid or ""
    if system and not public.startswith(KNOWN_PUBLIC_IDS):
        raise UnsafeXML(f"refused: the document references an external DTD ({system})")


def _parse_with_doctype(text: str) -> Element | None:
    """Parse a document whose DOCTYPE we accept, refusing any entity declaration or external reference."""
    try:
        return DefusedET.fromstring(text, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.EntitiesForbidden as exc:
        raise UnsafeXML(
            f"refused: the document declares XML entities ('{exc.name}'); they are never expanded"
        ) from None
    except defusedxml.ExternalReferenceForbidden as exc:
        raise UnsafeXML(f"refused: the document references an external resource ({exc.sysid})") from None
    except ParseError:
        return None


def _check_xinclude(root: Element) -> None:
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.startswith("{" + XINCLUDE_NS + "}"):
            raise UnsafeXML("refused: the document uses XInclude")


def _scan(text: str) -> str | None:
    """The refused feature an ill-formed document mentions, if any: a linear scan (no regex backtracking)."""
    upper = text.upper()
    for needle in ("<!ENTITY", XINCLUDE_NS.upper()):
        if needle in upper:
            return needle
    at = upper.find("<!DOCTYPE")
    for _ in range(10):  # only a prolog's DOCTYPE counts; a few more are looked at, not a million
        if at < 0:
            return None
        declaration = upper[at : at + DOCTYPE_SCAN].split(">", 1)[0].split("[", 1)[0]
        if _SYSTEM.search(declaration):
            return "<!DOCTYPE ... SYSTEM"
        at = upper.find("<!DOCTYPE", at + 1)
    return None


def _check_view(text: str) -> Element | None:
    try:
        root = DefusedET.fromstring(text, forbid_dtd=True)
    except defusedxml.DTDForbidden as exc:
        _refuse_unknown_dtd(exc)
        root = _parse_with_doctype(text)
    except ParseError:
        root = None
    if root is None:
        if found := _scan(text):
            raise UnsafeXML(f"refused: the ill-formed document contains {found!r}")
        return None
    _check_xinclude(root)
    return root


def check_xml(body: bytes) -> Element | None:
    """Raise UnsafeXML if ``body`` uses a refused XML feature; return its parsed root, or None if ill-formed.

    Both the byte-faithful markup and the text in the declared encoding are checked, so that an encoding
    trick (UTF-7, a false "utf-16") cannot hide a declaration from one view. An ill-formed document cannot
    be fully checked by a parser, so it is also scanned for the same features.
    """
    markup, text = markup_view(body), decode_xml(body)
    root = _check_view(markup)
    return root if text == markup else _check_view(text)
