"""RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed -> candidate article URLs.

feedparser does the reading (it copes with the ill-formed feeds real sites serve, resolves xml:base and
relative links, and parses a dozen date formats); we give it what a real HTTP client would (the response
headers, with Content-Location resolved against the URL we fetched, so relative links have a base), after
refusing hostile XML (xmlsafety) so that feedparser's own parsers never see an entity declaration.
"""

from __future__ import annotations

import io
import itertools
import re
import xml.sax
from collections.abc import Mapping

import feedparser

from .encoding import transcode_undeclared
from .jsonfeed import MAX_ITEMS, looks_like_json, parse_json_feed
from .text import clean_text, html_to_text, struct_to_utc
from .types import Candidate, DiscoveryResult, collect_candidates, failed
from .urls import canonicalize_url
from .xmlsafety import UnsafeXML, check_xml

MAX_BODY = 20 * 1024 * 1024  # bytes: no real feed comes near it, and feedparser reads junk at ~1 MB/s
PLAIN_TYPES = ("text/plain", "text")


def _lower_headers(headers: Mapping[str, str] | None, url: str) -> dict[str, str]:
    """Header names lower-cased (feedparser looks them up so), Content-Location made absolute.

    A relative Content-Location is relative to the request URL (RFC 9110 section 8.7); with none, the
    document's own URL is the base for its relative links, as for any fetched document.
    """
    lowered = {str(name).lower(): str(value) for name, value in (headers or {}).items()}
    # No Content-Type known (a file, an archive without headers): read it as XML, by its declaration and BOM.
    lowered.setdefault("content-type", "application/xml")
    location = lowered.get("content-location", "")
    try:
        lowered["content-location"] = canonicalize_url(location, base=url) if location else url
    except ValueError:
        lowered["content-location"] = url
    return lowered


def _title_text(detail: Mapping | None) -> str | None:
    """A feed title as plain text: HTML titles lose their tags, plain-text ones are kept as written."""
    if not detail or not detail.get("value"):
        return None
    if detail.get("type", "text/plain") in PLAIN_TYPES:
        return clean_text(detail["value"])
    return html_to_text(detail["value"])


def _entry_link(entry: Mapping) -> str | None:
    """The entry's article link: its alternate link, never a podcast-style enclosure standing in for one."""
    links = [link for link in entry.get("links") or [] if link.get("href")]
    for link in links:
        if link.get("rel", "alternate") == "alternate":
            return link["href"]
    enclosures = {link["href"] for link in links if link.get("rel") == "enclosure"}
    link = entry.get("link")
    return link if link and link not in enclosures else None


def _entry_candidate(entry: Mapping, base: str) -> Candidate | None:
    link = _entry_link(entry)
    if not link:
        return None
    try:
        url = canonicalize_url(link, base=base)
    except ValueError:
        return None
    published = struct_to_utc(entry.get("published_parsed")) or struct_to_utc(entry.get("updated_parsed"))
    return Candidate(url=url, published=published, title=_title_text(entry.get("title_detail")))


def _bozo_warning(exc: BaseException | None) -> str:
    if isinstance(exc, feedparser.CharacterEncodingOverride | feedparser.CharacterEncodingUnknown):
        return f"feed encoding is wrong or unknown: {exc}"
    if isinstance(exc, feedparser.NonXMLContentType):
        return f"feed is not served as XML: {exc}"
    if isinstance(exc, xml.sax.SAXException):
        return f"feed is not well-formed: {exc.getMessage()}"
    return f"feed is not well-formed: {exc}"


# Item boundaries (RSS <item>, Atom <entry>, any namespace prefix), found by a byte scan: see _drop_extra_items.
_ITEM_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s/>]")
_ITEM_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?(?:item|entry)\s*>")


def _drop_extra_items(body: bytes, warnings: list[str]) -> bytes:
    """The feed without its items past MAX_ITEMS, cut out as one byte range so the closing tags remain.

    By hand because feedparser has no item limit and reads ~7,000 items a second: a hostile 100,000-item feed
    would hold a watcher thread (and the GIL) for 15 s per poll. Items are siblings in RSS 0.9x-2.0, RDF and
    Atom, so removing the span from the first extra item's start to the last item's end keeps the document
    well-formed; if a feed nests them oddly, feedparser's loose parser still reads the part kept.
    """
    extra = next(itertools.islice(_ITEM_START.finditer(body), MAX_ITEMS, None), None)
    if extra is None:
        return body
    ends = [match.end() for match in _ITEM_END.finditer(body, extra.start())]
    if not ends:
        return body
    total = MAX_ITEMS + sum(1 for _ in _ITEM_START.finditer(body, extra.start()))
    warnings.append(f"feed has {total} items; only the first {MAX_ITEMS} were read")
    return body[: extra.start()] + body[ends[-1] :]


def _parse_xml_feed(body: bytes, url: str, headers: dict[str, str]) -> DiscoveryResult:
    body, detected = transcode_undeclared(body, headers)
    warnings = [f"feed declares no encoding; read as {detected} (detected)"] if detected else []
    body = _drop_extra_items(body, warnings)
    try:
        # A file-like object: given bytes or str, feedparser may treat them as a URL or a path to open.
        parsed = feedparser.parse(io.BytesIO(body), response_headers=headers)
    except Exception as exc:  # noqa: BLE001 - a third-party parser on hostile input must not take the watcher down
        return failed(f"not a feed: the feed parser failed ({type(exc).__name__}: {exc})", warnings)
    if parsed.get("bozo"):
        warnings.append(_bozo_warning(parsed.get("bozo_exception")))
    if not parsed.entries and not parsed.get("version"):
        reason = warnings[-1] if warnings else "no RSS, Atom or RDF root element"
        return failed(f"not a feed: {reason}", warnings)
    base = headers["content-location"]
    candidates = collect_candidates(
        parsed.entries, lambda entry: _entry_candidate(entry, base), warnings, cap=MAX_ITEMS, noun="link"
    )
    feed = parsed.feed
    title = _title_text(feed.get("title_detail"))
    return DiscoveryResult(
        candidates, [], warnings, None, title, detected or parsed.get("encoding"), feed.get("language")
    )


def parse_feed(body: bytes, *, url: str, headers: Mapping[str, str] | None = None) -> DiscoveryResult:
    """Candidate article URLs from a fetched feed ``body`` served at ``url`` with response ``headers``.

    Ill-formed feeds that still give entries come back with a warning; hostile XML, a body that is not a
    feed, or one too large, come back with ``error`` set.
    """
    if len(body) > MAX_BODY:
        return failed(f"feed is too large ({len(body)} bytes; the limit is {MAX_BODY})")
    lowered = _lower_headers(headers, url)
    content_type = lowered.get("content-type", "")
    if looks_like_json(body) or ("json" in content_type and not body.lstrip().startswith(b"<")):
        return parse_json_feed(body, url=lowered["content-location"])
    try:
        check_xml(body)
    except UnsafeXML as exc:
        return failed(f"feed {exc}")
    return _parse_xml_feed(body, url, lowered)
