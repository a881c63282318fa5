"""What a page says about itself: publication date, site name, title (meta tags, microdata, JSON-LD, <time>).

We read these ourselves with selectolax rather than through trafilatura/htmldate because we must know *where* a
date came from ("meta" is trusted above the listing, the URL and the text), and htmldate blends all of those.
Sources, in order: ``meta[property=article:published_time]`` and its kin (Open Graph, Dublin Core, Parsely...),
``[itemprop=datePublished]`` (schema.org microdata), JSON-LD ``datePublished`` (schema.org), ``time[datetime]``
(the article's own, see ``_time_element_date``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .dates import parse_date

DATE_META = (
    'meta[property="article:published_time"]',
    'meta[property="og:published_time"]',
    'meta[name="article:published_time"]',
    'meta[name="pubdate"]',
    'meta[name="publishdate"]',
    'meta[name="publish-date"]',
    'meta[name="date"]',
    'meta[name="DC.date.issued"]',
    'meta[name="dc.date.issued"]',
    'meta[name="DC.date"]',
    'meta[name="dcterms.created"]',
    'meta[name="parsely-pub-date"]',
    'meta[name="sailthru.date"]',
    '[itemprop="datePublished"]',
)
JSON_LD = 'script[type="application/ld+json"]'
# Every element the readers below look at (a union of their selectors), to skip them all on a page that has none.
_ANY_DATE_SOURCE = ", ".join([*DATE_META, JSON_LD, "time[pubdate]", "time[datetime]"])
SITE_NAME_META = ('meta[property="og:site_name"]', 'meta[name="application-name"]')
MAX_JSON_LD = 200_000  # characters of one script block; bigger ones are not metadata


def _value(node: LexborNode) -> str:
    attrs = node.attributes
    return (attrs.get("content") or attrs.get("datetime") or node.text(deep=True) or "").strip()


def _json_ld_dates(tree: LexborHTMLParser) -> Iterator[str]:
    for script in tree.css(JSON_LD):
        raw = script.text(deep=True) or ""
        if len(raw) > MAX_JSON_LD:
            continue
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            continue
        yield from _find_key(data, "datePublished", depth=0)


def _find_key(data: object, key: str, depth: int) -> Iterator[str]:
    """Every string value of ``key`` in nested JSON (``@graph`` lists included), breadth limited by depth."""
    if depth > 6:
        return
    if isinstance(data, dict):
        if isinstance(data.get(key), str):
            yield data[key]
        for value in data.values():
            yield from _find_key(value, key, depth + 1)
    elif isinstance(data, list):
        for value in data[:50]:
            yield from _find_key(value, key, depth + 1)


def meta_date(tree: LexborHTMLParser, timezone: str = "UTC") -> datetime | None:
    """The publication date the page's metadata states, or None."""
    if tree.css_first(_ANY_DATE_SOURCE) is None:  # one query, not the eighteen below, on a page with none
        return None
    for selector in DATE_META:
        for node in tree.css(selector):
            if moment := parse_date(_value(node), timezone):
                return moment
    for value in _json_ld_dates(tree):
        if moment := parse_date(value, timezone):
            return moment
    return _time_element_date(tree, timezone)


def _time_element_date(tree: LexborHTMLParser, timezone: str) -> datetime | None:
    """A ``<time>`` that belongs to the article. Pages also show today's date in the header and other articles'
    dates in rails, so a ``<time>`` outside ``article``/``main`` counts only when it is the page's only one."""
    nodes = [
        *tree.css("time[pubdate]"),
        *tree.css("article time[datetime]"),
        *tree.css("main time[datetime]"),
    ]
    if not nodes and len(every := tree.css("time[datetime]")) == 1:
        nodes = every
    for node in nodes:
        if moment := parse_date(node.attributes.get("datetime") or "", timezone):
            return moment
    return None


def site_names(tree: LexborHTMLParser) -> tuple[str, ...]:
    """The names the page gives its site (Open Graph, application-name), to recognise a title that is only that."""
    names = []
    for selector in SITE_NAME_META:
        names.extend(_value(node) for node in tree.css(selector))
    return tuple(name for name in names if name)


def page_title(tree: LexborHTMLParser) -> str:
    """The page's own headline: og:title, else the first h1, else <title>."""
    for selector in ('meta[property="og:title"]', "h1", "title"):
        node = tree.css_first(selector)
        if node is not None and (value := " ".join(_value(node).split())):
            return value
    return ""
