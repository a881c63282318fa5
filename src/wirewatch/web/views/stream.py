"""The newstream: every source's articles, newest first, cursor paged, filterable by source and language."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from wirewatch.accounts import reader
from wirewatch.dedupe import queries as dedupe
from wirewatch.sources.models import Source
from wirewatch.web import queries
from wirewatch.web.paging import BadQuery, paginate
from wirewatch.web.views.common import paging_links
from wirewatch.web.views.errors import bad_request


def stream(request: HttpRequest) -> HttpResponse:
    try:
        filters = queries.parse_stream_filters(request.GET)
        collapse = request.GET.get("collapse") == "1"  # near-duplicates: only each group's earliest
        listed = dedupe.collapse(queries.stream(filters)) if collapse else queries.stream(filters)
        page = paginate(listed, request.GET.get("cursor"))
    except BadQuery as exc:
        return bad_request(request, exc)
    dedupe.mark_copies(page.items)
    reader.decorate(page.items, request.user)
    context = {
        "page": page,
        **paging_links(request, page.next_cursor),
        "filters": filters,
        "collapse": collapse,
        "sources": Source.objects.only("slug", "name", "edition"),
        "languages": queries.stream_languages(),
    }
    return render(request, "web/stream.html", context)
