"""One fetched article page -> clean fields (``Extracted``): the only entry point the pipeline needs.

Order of work: the source's rules (if any), else trafilatura; the body is then padded, blockified, sanitised,
and its text derived from the sanitised HTML (so text and HTML always say the same thing). The headline is the
page's own, else the listing's, else a lead-headline. The date is the most trusted one found, in this order:
page metadata (the rules' date selector and a date label in the headline count as metadata), the listing date,
a date in the URL, a dateline at the start of the text.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from lxml import etree
from lxml import html as lxml_html
from selectolax.lexbor import LexborHTMLParser
from trafilatura import load_html

from .cleaning import (
    blockify,
    fragment_root,
    html_to_text,
    normalise_whitespace,
    pad_word_elements,
    repair_glued_names,
)
from .dateparts import checked
from .dates import date_in_url, find_dateline, parse_date
from .generic import GenericResult, generic_extract
from .headline import clean_title, is_missing_title, lead_headline, shorten, strip_dateline
from .language import choose_language
from .metadata import meta_date, page_title, site_names
from .rules import RulesError, RulesResult, apply_rules
from .sanitise import sanitise_html

log = logging.getLogger(__name__)

MAX_PAGE_CHARS = 10_000_000  # the fetcher caps bodies too; this keeps a direct caller safe
MAX_TITLE_CHARS = 500  # a "headline" longer than this is a page-layout accident
LIBXML_MAX_DEPTH = 250  # libxml2's HTML parser stops nesting at 255
# Elements libxml2 (through lxml and trafilatura's load_html) adds without a start tag: html, head or body, and
# a p around text at the top level. Generous: tests/extraction/test_fast_paths.py measures the real margin.
IMPLIED_ELEMENTS = 8


@dataclass(frozen=True)
class Extracted:
    title: str  # the headline, or the lead-headline when the page has none
    title_is_lead: bool
    text: str  # clean plain text, paragraphs separated by "\n\n"
    html: str  # the body as sanitised HTML (nh3 allowlist), safe to show on our pages
    byline: str  # "" if none
    published: datetime | None  # aware, UTC
    published_from: str  # "meta" | "listing" | "url" | "dateline" | "" (none found)
    language: str  # the edition's language unless detection clearly disagrees
    extracted_by: str  # "rules" | "generic"
    rules_matched: bool | None  # None: no article rules; False: rules given but found no body (fallback used)


@dataclass(frozen=True)
class _Body:
    html: str
    text: str
    extracted_by: str
    rules_matched: bool | None
    found: RulesResult | None
    generic: GenericResult | None


def extract_article(
    html: str,
    url: str,
    *,
    language: str,
    timezone: str = "UTC",
    rules: dict | None = None,
    listing_date: datetime | None = None,
    listing_title: str | None = None,
) -> Extracted:
    """Extract one article page. Never raises on page content; bad ``rules`` are logged and count as no match."""
    html = (html or "")[:MAX_PAGE_CHARS]
    document = _LazyDocument(html)
    tree = LexborHTMLParser(_tame(html, document))
    body = _body(document, url, tree, rules)
    title, title_is_lead, label = _title(body, tree, language, listing_title)
    title = shorten(title, language, MAX_TITLE_CHARS)
    published, published_from = _published(body, tree, url, timezone, label, listing_date)
    byline = (body.found.byline if body.found else "") or (body.generic.byline if body.generic else "")
    return Extracted(
        title=title,
        title_is_lead=title_is_lead,
        text=body.text,
        html=body.html,
        byline=repair_glued_names(normalise_whitespace(byline))[:500],
        published=published,
        published_from=published_from,
        language=choose_language(body.text, language),
        extracted_by=body.extracted_by,
        rules_matched=body.rules_matched,
    )


class _LazyDocument:
    """The page as trafilatura's lxml tree, parsed on first use: the rules path needs it only for the generic
    fallback and for a page that may nest too deep for lexbor (``_tame``)."""

    def __init__(self, html: str) -> None:
        self.html = html
        self.parsed = False
        self.root: lxml_html.HtmlElement | None = None

    def __call__(self) -> lxml_html.HtmlElement | None:
        if not self.parsed:
            self.root, self.parsed = _lxml_document(self.html), True
        return self.root


def _lxml_document(html: str) -> lxml_html.HtmlElement | None:
    try:
        return load_html(html) if html.strip() else None
    except (ValueError, etree.LxmlError):
        return None


def _tame(html: str, document: _LazyDocument) -> str:
    """The markup for lexbor: the page itself, unless it nests absurdly deep. lexbor takes quadratic time on
    deep nesting (50,000 nested divs: seconds), while libxml2 stops at depth 255 in milliseconds; for such a page
    we give lexbor libxml2's depth-capped tree instead. A page with too few start tags to nest that deep is
    not parsed by libxml2 at all."""
    if start_tags_bound(html) + IMPLIED_ELEMENTS < LIBXML_MAX_DEPTH or (root := document()) is None:
        return html
    depth = 0
    for event, _ in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        if depth >= LIBXML_MAX_DEPTH:
            return etree.tostring(root, encoding="unicode", method="html")
    return html


def start_tags_bound(html: str) -> int:
    """At least the number of elements libxml2 makes from the start tags in ``html``: every start tag begins
    with a "<" that no "/" follows (an end tag's "</" never opens an element). C-speed counting."""
    return html.count("<") - html.count("</")


def _body(document: _LazyDocument, url: str, tree: LexborHTMLParser, rules: dict | None) -> _Body:
    found = None
    if rules:
        try:
            found = apply_rules(tree, rules)
        except RulesError as error:
            log.warning("article rules for %s unusable, using the generic extractor: %s", url, error)
    if found is not None and found.body_html:
        cleaned, text = finish_body(found.body_html, url)
        if text:
            return _Body(cleaned, text, "rules", True, found, None)
    generic = _generic(document(), url)
    cleaned, text = finish_body(generic.body_html, url) if generic else ("", "")
    return _Body(cleaned, text, "generic", False if rules else None, found, generic)


def _generic(document: lxml_html.HtmlElement | None, url: str) -> GenericResult | None:
    if document is None:
        return None
    pad_word_elements(document)
    return generic_extract(document, url)


def finish_body(body_html: str, base_url: str | None) -> tuple[str, str]:
    """(sanitised HTML, plain text) of a body fragment: names padded and repaired, leaf containers -> paragraphs."""
    if not body_html.strip():
        return "", ""
    try:
        root = fragment_root(body_html)
    except (ValueError, etree.LxmlError):
        return "", ""
    pad_word_elements(root)
    blockify(root)
    for element in root.iter():
        if element.text:
            element.text = repair_glued_names(element.text)
        if element.tail:
            element.tail = repair_glued_names(element.tail)
    # fragment_root's bare div, serialised whole (its leading text escaped like all text), then unwrapped
    whole = etree.tostring(root, encoding="unicode", method="html")
    cleaned = sanitise_html(whole.removeprefix("<div>").removesuffix("</div>"), base_url)
    return cleaned, html_to_text(cleaned)


def _title(
    body: _Body, tree: LexborHTMLParser, language: str, listing_title: str | None
) -> tuple[str, bool, str]:
    """(headline, is it a lead, the date label found in the page's headline)."""
    candidate = (body.found.title if body.found else "") or (body.generic.title if body.generic else "")
    title, label = clean_title(candidate or page_title(tree))
    names = site_names(tree) + ((body.generic.site_name,) if body.generic else ())
    if not is_missing_title(title, names):
        return repair_glued_names(title), False, label
    listed, _ = clean_title(listing_title)
    if listed and not is_missing_title(listed, names) and not _is_teaser(listed, body.text):
        return repair_glued_names(listed), False, label
    return lead_headline(body.text, language), True, label


def _is_teaser(listed: str, text: str) -> bool:
    """True when the listing's "title" is only the start of the body (a teaser, like the seed page's rail)."""
    key = " ".join(strip_dateline(listed).rstrip(".…").split()).casefold()
    start = " ".join(strip_dateline(text[: len(listed) + 200]).split()).casefold()
    return bool(key) and start.startswith(key)


def _published(
    body: _Body,
    tree: LexborHTMLParser,
    url: str,
    timezone: str,
    label: str,
    listing_date: datetime | None,
) -> tuple[datetime | None, str]:
    rules_text = body.found.date_text if body.found else ""
    reference = listing_date if listing_date and listing_date.tzinfo else None
    if rules_text and (
        moment := parse_date(rules_text, timezone) or find_dateline(rules_text, timezone, reference=reference)
    ):
        return moment, "meta"
    if moment := meta_date(tree, timezone):
        return moment, "meta"
    if label and (moment := parse_date(label, timezone)):
        return moment, "meta"
    if listing_date is not None:
        listed = checked(listing_date if listing_date.tzinfo else listing_date.replace(tzinfo=UTC))
        if listed:
            return listed, "listing"
    if moment := date_in_url(url, timezone):
        return moment, "url"
    if moment := find_dateline(body.text, timezone):
        return moment, "dateline"
    return None, ""
