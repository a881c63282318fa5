"""Articles made with tests.factories and put in the search index the way the watcher's store does."""

from __future__ import annotations

from typing import Any

from tests.factories import make_article
from wirewatch.search.backend import filtered_articles, get_backend
from wirewatch.search.compile import compile_query
from wirewatch.search.datewalk import Sizes, by_date
from wirewatch.search.query import parse
from wirewatch.search.service import search
from wirewatch.web.paging import paginate


def indexed(source: Any, title: str, text: str, **fields: Any) -> Any:
    """make_article() does not go through store_extracted(), so it sends no versions_stored: index here."""
    article = make_article(source, title, text, **fields)
    get_backend().index(article, article.current_version)
    return article


def ids(q: str, **params: str) -> list[int]:
    """The ids of every result of ``q`` (all pages), in order."""
    found, cursor = [], ""
    while True:
        results = search({"q": q, "limit": "100", "cursor": cursor, **params})
        found += [article.pk for article in results.items]
        if not results.next_cursor:
            return found
        cursor = results.next_cursor


def pages(q: str, sizes: Sizes | None, limit: int = 4) -> list[list[int]]:
    """Every page of ``q`` in date order, by the walk (``sizes``) or by sorting all matches (None)."""
    parsed = parse(q)
    match = compile_query(parsed.tree, True)[0]
    backend = get_backend()
    articles = filtered_articles(parsed.filters)
    found, cursor = [], None
    while True:
        if sizes is None:
            page = paginate(articles.filter(id__in=backend.matching(match)), cursor, limit)
        else:
            page = by_date(backend, match, articles, cursor, limit, sizes)
        found.append([article.pk for article in page.items])
        if not (cursor := page.next_cursor):
            return found
