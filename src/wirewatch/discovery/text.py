"""Small helpers shared by the parsers: plain-text titles and UTC datetimes."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

from selectolax.lexbor import LexborHTMLParser

_SPACES = re.compile(r"\s+")
_YEAR_MONTH = re.compile(r"^\d{4}(-\d{2})?$")
MAX_TITLE = 2000  # characters; a longer "title" is someone's whole article pasted in


def clean_text(text: str | None) -> str | None:
    """Collapse whitespace (newlines, tabs, no-break spaces) and trim; empty becomes None."""
    if not text:
        return None
    cleaned = _SPACES.sub(" ", text).strip()[:MAX_TITLE]
    return cleaned or None


def html_to_text(markup: str | None) -> str | None:
    """The text of an HTML fragment, entities decoded and tags dropped (lexbor parses any markup)."""
    if not markup:
        return None
    if "<" not in markup and "&" not in markup:
        return clean_text(markup)
    return clean_text(LexborHTMLParser(markup).text(deep=True, separator=""))


def struct_to_utc(value: time.struct_time | None) -> datetime | None:
    """feedparser's ``*_parsed`` values are UTC struct_times; out-of-range ones (year 0) become None."""
    if value is None:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def iso_to_utc(text: str | None) -> datetime | None:
    """An RFC 3339 / W3C-DTF date (as JSON Feed and sitemaps use) as aware UTC; naive means UTC."""
    if not text or not isinstance(text, str):
        return None
    text = text.strip()
    if _YEAR_MONTH.match(text):  # W3C-DTF's reduced precisions "YYYY" and "YYYY-MM"
        text = (text + "-01-01")[:10]
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
