"""JSON API v1: plain Django views over the same queries and cursor paging as the pages.

Errors are JSON too (``{"error": "..."}`` with 400/404/405), so that a client never has to parse an HTML page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import reverse

from wirewatch.archive.models import Article
from wirewatch.sources.models import Source
from wirewatch.web import queries
from wirewatch.web.paging import BadQuery, paginate, parse_limit, whole_number

# Keep non-ASCII as is: readers of KCNA's Korean edition want 조선, not \uc870\uc120.
JSON_OPTIONS = {"ensure_ascii": False}


def error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status, json_dumps_params=JSON_OPTIONS)


def read_only(view: Callable[..., JsonResponse]) -> Callable[..., JsonResponse]:
    """GET and HEAD only, answered in JSON; a BadQuery anywhere becomes a 400 with its message."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        if request.method not in ("GET", "HEAD"):
            response = error("Only GET is supported.", 405)
            response["Allow"] = "GET, HEAD"
            return response
        try:
            return view(request, *args, **kwargs)
        except BadQuery as exc:
            return error(str(exc), 400)

    return wrapper


def iso_utc(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z, the form most clients parse without help."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def article_summary(request: HttpRequest, article: Article) -> dict[str, Any]:
    return {
        "id": article.pk,
        "url": request.build_absolute_uri(reverse("web:article", args=[article.pk])),
        "original_url": article.url,
        "title": article.title,
        "title_is_lead": article.title_is_lead,
        "published": iso_utc(article.published),
        "published_is_estimate": article.published_is_estimate,
        "source": article.source.slug,
        "language": article.language,
    }


def article_full(request: HttpRequest, article: Article) -> dict[str, Any]:
    version = article.current_version
    return {
        **article_summary(request, article),
        "text": version.text if version else "",
        "html": version.html if version else "",
        "source_name": article.source.display_name,
        "byline": version.byline if version else "",
        "version_count": article.version_count,
    }


def source_summary(source: Source) -> dict[str, Any]:
    return {
        "slug": source.slug,
        "name": source.name,
        "edition": source.edition,
        "display_name": source.display_name,
        "language": source.language,
        "status": source.status,
        "last_polled": iso_utc(source.last_polled_at),
        "articles": source.article_count,
    }


@read_only
def articles(request: HttpRequest) -> JsonResponse:
    """``GET /api/v1/articles?source=<slug>&lang=<code>&cursor=...&limit=...``"""
    filters = queries.parse_stream_filters(request.GET)
    page = paginate(queries.stream(filters), request.GET.get("cursor"), parse_limit(request.GET.get("limit")))
    items = [article_summary(request, item) for item in page.items]
    return JsonResponse({"items": items, "next": page.next_cursor}, json_dumps_params=JSON_OPTIONS)


@read_only
def article(request: HttpRequest, pk: str) -> JsonResponse:
    """``GET /api/v1/articles/<id>``: one article with its current version's text."""
    number = whole_number(pk)
    found = queries.article_with_version(number) if number is not None else None
    if found is None:
        return error("No such article.", 404)
    return JsonResponse(article_full(request, found), json_dumps_params=JSON_OPTIONS)


@read_only
def sources(request: HttpRequest) -> JsonResponse:
    """``GET /api/v1/sources``: every source with its health."""
    items = [source_summary(source) for source in Source.objects.all()]
    return JsonResponse({"items": items}, json_dumps_params=JSON_OPTIONS)


@read_only
def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    return error("No such API endpoint.", 404)
