"""``/search`` (server-rendered, works without JavaScript) and ``GET /api/v1/search`` (JSON)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from wirewatch.api.views import JSON_OPTIONS, article_summary, read_only
from wirewatch.search import service
from wirewatch.web.paging import BadQuery
from wirewatch.web.views.common import paging_links


def search_page(request: HttpRequest) -> HttpResponse:
    context = {"query": request.GET.get("q", "")[:2000], "params": request.GET}
    if not request.GET.get("q"):
        return render(request, "search/search.html", context)
    try:
        results = service.search(request.GET)
    except BadQuery as exc:
        return render(request, "search/search.html", {**context, "error": str(exc)}, status=400)
    rows = [(item, results.snippets[item.pk]) for item in results.items]
    context |= {"results": results, "rows": rows, **paging_links(request, results.next_cursor)}
    return render(request, "search/search.html", context)


@read_only
def search_api(request: HttpRequest) -> JsonResponse:
    """``GET /api/v1/search?q=...&sort=date|relevance&dueum=1|0&cursor=...&limit=...``; ``ranked_among_newest``
    (and ``notice``) say when relevance ranked only the newest N of more matches, else null."""
    if not request.GET.get("q"):
        raise BadQuery("q is required: the search query.")
    results = service.search(request.GET)
    items = [
        {**article_summary(request, item), "snippet": str(results.snippets[item.pk])}
        for item in results.items
    ]
    body = {
        "items": items,
        "next": results.next_cursor,
        "ranked_among_newest": results.window,
        "notice": results.notice,
    }
    return JsonResponse(body, json_dumps_params=JSON_OPTIONS)
