"""Articles made with tests.factories and put in the search index the way the watcher's store does."""

from __future__ import annotations

from typing import Any

from tests.factories import make_article
from wirewatch.search.backend import get_backend
from wirewatch.search.service import search


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
