"""A QuerySet of articles narrowed by a query of the search language: for exports' ``q=`` and saved-search
feeds, which need the matches as a QuerySet (streamed, ordered by the caller), not as one page."""

from __future__ import annotations

from django.db.models import QuerySet

from wirewatch.search.backend import filtered_articles, get_backend
from wirewatch.search.compile import compile_query
from wirewatch.search.query import Filters
from wirewatch.search.service import _parse


def narrow(queryset: QuerySet, q: str, dueum: bool = True) -> QuerySet:
    """``queryset`` restricted to the articles ``q`` matches; BadQuery (a 400) for a malformed query."""
    parsed, _ = _parse(q, dueum)
    match = compile_query(parsed.tree, dueum)[0] if parsed.tree is not None else None
    if match is not None:
        queryset = queryset.filter(id__in=get_backend().matching(match))
    if parsed.filters != Filters():
        queryset = queryset.filter(id__in=filtered_articles(parsed.filters).values("id"))
    return queryset
