"""JSON Feed 1.0 and 1.1 (https://www.jsonfeed.org/version/1.1/), which feedparser 6 does not read."""

from __future__ import annotations

import json
from typing import Any

from .text import clean_text, iso_to_utc
from .types import Candidate, DiscoveryResult, collect_candidates, failed
from .urls import canonicalize_url

VERSION_PREFIX = "https://jsonfeed.org/version/"
MAX_ITEMS = 10_000


def looks_like_json(body: bytes) -> bool:
    """JSON feeds open with ``{`` (after an optional BOM and whitespace); XML never does."""
    return body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def _item_candidate(item: Any, url: str) -> Candidate | None:
    """The item's own ``url`` is the article; ``external_url`` is what it links to, used only without one."""
    if not isinstance(item, dict):
        return None
    link = item.get("url") or item.get("external_url")
    if not isinstance(link, str):
        return None
    try:
        canonical = canonicalize_url(link, base=url)
    except ValueError:
        return None
    title = item.get("title") if isinstance(item.get("title"), str) else None
    published = iso_to_utc(item.get("date_published")) or iso_to_utc(item.get("date_modified"))
    return Candidate(url=canonical, published=published, title=clean_text(title))


def _load(body: bytes) -> dict | str:
    """The feed object, or a message saying why there is none."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        return f"not a JSON feed: {exc}"
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        return "not a JSON feed: no 'items' list"
    return data


def parse_json_feed(body: bytes, *, url: str) -> DiscoveryResult:
    """Candidates from a JSON Feed; JSON Feed is UTF-8 by definition (spec, 'JSON Feed' section)."""
    data = _load(body)
    if isinstance(data, str):
        return failed(data)
    warnings = []
    if not str(data.get("version", "")).startswith(VERSION_PREFIX):
        warnings.append(f"JSON feed has no known version ({str(data.get('version'))[:100]!r}); read anyway")
    candidates = collect_candidates(
        data["items"], lambda item: _item_candidate(item, url), warnings, cap=MAX_ITEMS, noun="URL"
    )
    title = data.get("title") if isinstance(data.get("title"), str) else None
    language = data.get("language") if isinstance(data.get("language"), str) else None
    return DiscoveryResult(candidates, [], warnings, None, clean_text(title), "utf-8", language)
