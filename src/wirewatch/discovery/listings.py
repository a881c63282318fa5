"""Listing pages (a section's "latest articles" page) -> candidate article URLs, by declarative rules.

Rules are data, kept in the source's pack (``Source.rules["listing"]``), so that a redesign is fixed by editing
data. Keys (CSS selectors as lexbor understands them; all optional):

``item``
    Each article entry on the page, e.g. ``"ul.article-link li"``. Without one (a source added with just a
    listing URL), the generic rules of ``generic.py`` apply: every same-host link outside navigation,
    header, footer and asides; with them, ``next`` defaults to the standard ``rel="next"`` link.
``link``
    The link inside an item (default ``"a"``). An item that is itself a link (``"ul.article-link li a"``) is
    its own link.
``title``
    The title inside an item. Default: the link's text, less the text of the date element when the date sits
    inside the link (KCNA puts ``<span class="publish-time">`` there).
``date``
    The date inside an item, read by ``wirewatch.extraction.parse_date`` in the source's time zone
    ("[Juche113.7.14.]", "[2024.10.29.]", "February 25, 2026", "2026년 2월 25일"...).
``next``
    The next-page link, anywhere on the page; it goes to ``next_urls`` (the watcher decides how deep to page).
``url_pattern``
    A regular expression an article URL (canonicalised) must match; others on the page are ignored.

Example (KCNA, 2021-2025 layout)::

    {"item": "ul.article-link li", "date": "span.publish-time",
     "next": "a.next", "url_pattern": r"/article/q/[0-9a-f]+\\.kcmsf$"}

When the item selector, the link selector or the URL pattern matches nothing on a page that parsed fine, the
result's ``error`` starts with "listing rules matched nothing": the layout has changed, and the watcher marks
the source 'rules-broken'. An empty page is a different error: sites return those while up, and it is no news.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

from .generic import GENERIC_NEXT, generic_items
from .text import clean_text, iso_to_utc
from .types import Candidate, DiscoveryResult, failed
from .urls import canonicalize_url

MAX_HTML = 20_000_000  # characters; a listing page is a few hundred kilobytes
RULES_BROKEN = "listing rules matched nothing"


def _date_parser() -> Callable[[str, str], datetime | None]:
    """The extraction app's date reader (Juche years, KCNA labels, many languages).

    Imported lazily so that discovery does not load extraction (and its Babel tables) until a listing needs it.
    """
    try:
        from wirewatch.extraction import parse_date
    except ImportError:
        try:
            from wirewatch.extraction.dates import parse_date
        except ImportError:
            return _iso_only
    return parse_date


def _iso_only(text: str, timezone: str = "UTC") -> datetime | None:
    """Fallback while extraction has no parse_date: ISO dates only (found anywhere in the text)."""
    match = re.search(r"\d{4}-\d{2}-\d{2}", text)
    return iso_to_utc(match.group(0)) if match else None


def _link_node(item: LexborNode, selector: str) -> LexborNode | None:
    if item.tag == "a" and item.attributes.get("href"):
        return item
    node = item.css_first(selector)
    return node if node is not None and node.attributes.get("href") else None


def _title_of(item: LexborNode, link: LexborNode, rules: dict, date_node: LexborNode | None) -> str | None:
    if rules.get("title"):
        node = item.css_first(rules["title"])
        return clean_text(node.text(deep=True)) if node is not None else None
    text = link.text(deep=True)
    if date_node is not None:
        text = text.replace(date_node.text(deep=True), " ")
    return clean_text(text)


def _candidate(item: LexborNode, link: LexborNode, base: str, rules: dict, timezone: str) -> Candidate | None:
    try:
        url = canonicalize_url(link.attributes["href"] or "", base=base)
    except ValueError:
        return None
    date_node = item.css_first(rules["date"]) if rules.get("date") else None
    date_text = clean_text(date_node.text(deep=True)) if date_node is not None else None
    published = _date_parser()(date_text, timezone) if date_text else None
    return Candidate(url=url, published=published, title=_title_of(item, link, rules, date_node))


def _page_base(tree: LexborHTMLParser, url: str) -> str:
    """Links resolve against ``<base href>`` when the page has one (HTML Living Standard, 'document base URL')."""
    base = tree.css_first("base[href]")
    try:
        return canonicalize_url(base.attributes["href"] or "", base=url) if base is not None else url
    except ValueError:
        return url


def _next_urls(tree: LexborHTMLParser, rules: dict, base: str, url: str) -> list[str]:
    node = tree.css_first(rules["next"]) if rules.get("next") else None
    if node is None or not node.attributes.get("href"):
        return []
    try:
        following = canonicalize_url(node.attributes["href"] or "", base=base)
    except ValueError:
        return []
    return [following] if following != canonicalize_url(url) else []


def _collect(items: list[LexborNode], rules: dict, base: str, timezone: str) -> tuple[list[Candidate], int]:
    """Candidates from the matched items, and how many items had a link at all."""
    pattern = re.compile(rules["url_pattern"]) if rules.get("url_pattern") else None
    candidates: dict[str, Candidate] = {}
    linked = 0
    for item in items:
        link = _link_node(item, rules.get("link") or "a")
        if link is None:
            continue
        linked += 1
        candidate = _candidate(item, link, base, rules, timezone)
        if candidate and (pattern is None or pattern.search(candidate.url)):
            known = candidates.get(candidate.url)
            # The same article often has an image link and a title link: keep the one that has a title.
            if known is None or (known.title is None and candidate.title):
                candidates[candidate.url] = candidate
    return list(candidates.values()), linked


def _broken(rules: dict, linked: int) -> str:
    """Why a page that parsed gave no candidates, naming the rule that stopped matching."""
    if linked and rules.get("url_pattern"):
        reason = f"no link matched url_pattern '{rules['url_pattern']}'"
    elif not rules.get("item"):
        reason = "no rules, and no same-site links outside navigation"
    elif linked:
        reason = f"no http(s) link inside '{rules['item']}'"
    else:
        reason = f"link selector '{rules.get('link') or 'a'}' inside '{rules['item']}'"
    return f"{RULES_BROKEN} ({reason}): has the layout changed?"


def _check_rules(rules: dict) -> str | None:
    if not isinstance(rules, dict):
        return "listing rules must be a table of selectors"
    for key in ("item", "link", "title", "date", "next", "url_pattern"):
        if not isinstance(rules.get(key) or "", str):
            return f"listing rule '{key}' must be a string"
    try:
        re.compile(rules.get("url_pattern") or "")
    except re.error as exc:
        return f"listing rules have an invalid url_pattern: {exc}"
    return None


def _read(tree: LexborHTMLParser, rules: dict, url: str, timezone: str) -> DiscoveryResult:
    base = _page_base(tree, url)
    if not rules.get("item"):
        rules = {**rules, "next": rules.get("next") or GENERIC_NEXT}
    try:
        items = tree.css(rules["item"]) if rules.get("item") else generic_items(tree, base, url)
        candidates, linked = _collect(items, rules, base, timezone)
        next_urls = _next_urls(tree, rules, base, url)
    except SelectolaxError as exc:  # a selector lexbor cannot parse
        return failed(f"listing rules have an invalid selector: {exc}")
    if not items and rules.get("item"):
        return failed(f"{RULES_BROKEN} (item selector '{rules['item']}'): has the layout changed?")
    if not candidates:
        return failed(_broken(rules, linked))
    title_node = tree.css_first("title")
    title = clean_text(title_node.text()) if title_node is not None else None
    return DiscoveryResult(candidates, next_urls, [], None, title)


def parse_listing(html: str, *, url: str, rules: dict, timezone: str = "UTC") -> DiscoveryResult:
    """Candidate article URLs from a listing page ``html`` fetched at ``url``, following ``rules``."""
    rules = rules or {}
    if problem := _check_rules(rules):
        return failed(problem)
    try:
        url = canonicalize_url(url)
    except ValueError as exc:
        return failed(f"listing URL is unusable: {exc}")
    if not html or not html.strip():
        return failed("listing page is empty")
    if len(html) > MAX_HTML:
        return failed(f"listing page is too large ({len(html)} characters; the limit is {MAX_HTML})")
    return _read(LexborHTMLParser(html), rules, url, timezone)
