"""One search, from request parameters to articles with snippets: shared by the page and the JSON API."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.safestring import SafeString

from wirewatch.archive.models import Article
from wirewatch.search.backend import SORTS, get_backend
from wirewatch.search.compile import Highlights, compile_query
from wirewatch.search.query import Filters, ParsedQuery, QueryError, parse
from wirewatch.search.snippets import snippet
from wirewatch.web.paging import BadQuery, parse_limit


@dataclass
class Results:
    query: str
    sort: str
    dueum: bool
    items: list[Article] = field(default_factory=list)
    snippets: dict[int, SafeString] = field(default_factory=dict)
    next_cursor: str | None = None
    window: int | None = None  # relevance: more matches than this, only the newest this many were ranked

    @property
    def notice(self) -> str | None:
        """What the reader is told when relevance did not rank every match (shown on the page and in the API)."""
        if self.window is None:
            return None
        return f"Ranked among the {self.window:,} newest matches; narrow by date to rank older ones."


def _choice(params: Mapping[str, str], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = params.get(name) or default
    if value not in allowed:
        raise BadQuery(f"{name} must be one of: {', '.join(allowed)}.")
    return value


def _parse(text: str, dueum: bool) -> tuple[ParsedQuery, Highlights]:
    try:
        parsed = parse(text)
        match, highlights = (
            compile_query(parsed.tree, dueum) if parsed.tree is not None else (None, Highlights())
        )
        if parsed.tree is not None and match is None and parsed.filters == Filters():
            raise QueryError("The query has no letters or digits to search for.")
    except QueryError as exc:
        raise BadQuery(str(exc)) from None
    return parsed, highlights


def search(params: Mapping[str, str]) -> Results:
    """Run ``q`` (with ``sort``, ``dueum``, ``cursor``, ``limit``); BadQuery with a message for anything wrong."""
    text = params.get("q") or ""
    results = Results(
        query=text,
        sort=_choice(params, "sort", SORTS, "date"),
        dueum=_choice(params, "dueum", ("1", "0"), "1") == "1",
    )
    limit = parse_limit(params.get("limit"))
    parsed, highlights = _parse(text, results.dueum)
    try:
        page = get_backend().search(
            parsed, dueum=results.dueum, sort=results.sort, cursor=params.get("cursor") or None, limit=limit
        )
    except QueryError as exc:
        raise BadQuery(str(exc)) from None
    results.items, results.next_cursor, results.window = page.items, page.next_cursor, page.window
    for article in page.items:
        text_now = article.current_version.text if article.current_version else ""
        results.snippets[article.pk] = snippet(text_now, highlights, results.dueum)
    return results
