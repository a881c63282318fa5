"""The article page: headline, date line, body, and the rail of more articles from the same source.

Anonymous readers get the page from the rendered-page cache (serving/cache.py), keyed by the page's markers
(serving/markers.py): its ETag is known before rendering, so a revalidation is a 304 without a render, and a
new article or version changes the key at once. Logged-in readers see their own marks and notes: rendered for
them every time, never cached (serving/http.py marks the answer private, no-store).
"""

import time

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import http_date, parse_etags

from wirewatch.accounts import reader
from wirewatch.archive.models import Article
from wirewatch.serving import cache
from wirewatch.serving.http import is_personal
from wirewatch.serving.markers import article_markers
from wirewatch.web import queries
from wirewatch.web.paging import paginate


def article(request: HttpRequest, pk: int) -> HttpResponse:
    if is_personal(request):
        return render_article(request, pk)
    markers = article_markers(pk)
    if markers is None:
        raise Http404("No such article.")
    if markers.etag in parse_etags(request.headers.get("If-None-Match", "")):
        return _with_validators(HttpResponseNotModified(), markers.etag, None)
    body, rendered_at = cache.get_or_render(markers.key, lambda: _render_shared(request, pk))
    response = HttpResponse(body, content_type="text/html; charset=utf-8")
    return _with_validators(response, markers.etag, rendered_at)


def _render_shared(request: HttpRequest, pk: int) -> tuple[bytes, float]:
    """The anonymous page as bytes plus when it was rendered (its Last-Modified)."""
    return render_article(request, pk).content, time.time()


def _with_validators(response: HttpResponse, etag: str, rendered_at: float | None) -> HttpResponse:
    response["ETag"] = etag
    if rendered_at is not None:
        response["Last-Modified"] = http_date(rendered_at)
    return response


def render_article(request: HttpRequest, pk: int) -> HttpResponse:
    item = queries.article_with_version(pk)
    if item is None:
        raise Http404("No such article.")
    rail = paginate(queries.of_source(item.source, exclude_id=item.pk), None, queries.RAIL_SIZE)
    context = {
        "article": item,
        "source": item.source,
        "version": item.current_version,
        "rail": rail.items,
        "more_url": more_url(item, rail.next_cursor) if rail.next_cursor else None,
        **reader.article_context(request, item),
    }
    return render(request, "web/article.html", context)


def more_url(item: Article, cursor: str) -> str:
    """The listing that continues the rail: same source, after the rail's last item, without this article."""
    path = reverse("web:source-more", args=[item.source.slug])
    return f"{path}?cursor={cursor}&exclude={item.pk}"
