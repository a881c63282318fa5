"""OPML 2.0 (http://opml.org/spec2.opml) of the sources, out and in.

Out: one outline per source, ``xmlUrl`` its first feed (what any feed reader understands) plus ``wirewatch*``
attributes (OPML 2.0 allows extra attributes) that carry the rest, so our own export imports back unchanged.
In: parsed with defusedxml (no entities, no external references); each outline becomes a source or one line of
the error report, and one bad outline never stops the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from xml.etree.ElementTree import Element, SubElement, tostring

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from django.utils import timezone

from wirewatch.sources.models import Source
from wirewatch.sources.services import SourceError, add_source

MAX_OPML_BYTES = 5 * 1024 * 1024
_LISTS = {"wirewatchFeeds": "feeds", "wirewatchListings": "listings", "wirewatchSitemaps": "sitemaps"}


def _outline(body: Element, source: Source) -> None:
    attrs = {
        "text": source.display_name,
        "title": source.display_name,
        "type": "rss",
        "language": source.language,
        "wirewatchName": source.name,
        "wirewatchEdition": source.edition,
        "wirewatchSlug": source.slug,
        "wirewatchTimezone": source.timezone,
    }
    if source.feeds:
        attrs["xmlUrl"] = source.feeds[0]
    if source.home:
        attrs["htmlUrl"] = source.home
    for attribute, field in _LISTS.items():
        if getattr(source, field):
            attrs[attribute] = " ".join(getattr(source, field))
    SubElement(body, "outline", attrs)


def export_opml(sources: Iterable[Source]) -> bytes:
    root = Element("opml", {"version": "2.0"})
    head = SubElement(root, "head")
    SubElement(head, "title").text = "Wirewatch sources"
    SubElement(head, "dateCreated").text = timezone.now().strftime("%a, %d %b %Y %H:%M:%S GMT")
    body = SubElement(root, "body")
    for source in sources:
        _outline(body, source)
    return tostring(root, encoding="utf-8", xml_declaration=True)


@dataclass(frozen=True)
class ImportLine:
    number: int
    label: str
    ok: bool
    message: str

    def __str__(self) -> str:
        return f"outline {self.number} ({self.label}): {'ok' if self.ok else 'error'}: {self.message}"


def _definition(outline: Element, language: str, edition: str) -> dict:
    get = outline.attrib.get
    urls = {field: get(attribute, "").split() for attribute, field in _LISTS.items()}
    if not urls["feeds"] and get("xmlUrl"):
        urls["feeds"] = [get("xmlUrl")]
    return {
        "name": get("wirewatchName") or get("title") or get("text") or "",
        "edition": get("wirewatchEdition") or edition,
        "language": get("language") or language,
        "slug": get("wirewatchSlug") or None,
        "timezone": get("wirewatchTimezone") or "UTC",
        "home": get("htmlUrl", ""),
        **urls,
    }


def parse_outlines(data: bytes) -> list[Element]:
    """The outlines that name a feed (or our own attributes); ValueError for a file that is not OPML."""
    if len(data) > MAX_OPML_BYTES:
        raise ValueError(f"the file is larger than {MAX_OPML_BYTES} bytes")
    try:
        root = SafeET.fromstring(data)
    except (SafeET.ParseError, DefusedXmlException) as exc:
        raise ValueError(f"not well-formed or unsafe XML: {exc}") from None
    if root.tag != "opml" or root.find("body") is None:
        raise ValueError("not an OPML document (no <opml><body>)")
    return [node for node in root.iter("outline") if node.get("xmlUrl") or node.get("wirewatchName")]


def import_opml(data: bytes, *, language: str = "", edition: str = "Main") -> list[ImportLine]:
    """Register a source per feed outline; one report line per outline."""
    report = []
    for number, outline in enumerate(parse_outlines(data), start=1):
        definition = _definition(outline, language, edition)
        label = definition["name"] or outline.get("xmlUrl", "?")
        try:
            if not definition["language"]:
                raise SourceError("no language attribute; give --language")
            source = add_source(**definition)
        except SourceError as exc:
            report.append(ImportLine(number, label, False, str(exc)))
            continue
        report.append(ImportLine(number, label, True, f"registered as {source.slug}"))
    return report
