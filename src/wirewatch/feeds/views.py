"""OPML of the sources, and the export page that says how many rows a download will have before it starts."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from wirewatch.accounts.models import Role
from wirewatch.accounts.roles import require_role
from wirewatch.feeds.opml import export_opml
from wirewatch.sources.models import Source
from wirewatch.web import queries
from wirewatch.web.paging import BadQuery
from wirewatch.web.views.errors import bad_request


def sources_opml(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(export_opml(Source.objects.all()), content_type="text/x-opml; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="wirewatch-sources.opml"'
    return response


@require_role(Role.ANALYST)
def export_page(request: HttpRequest) -> HttpResponse:
    """A streamed download has no Content-Length, so the browser cannot show how far it is: this page shows
    the number of rows to expect, then the browser's own download shows the bytes as they come."""
    try:
        filters = queries.parse_stream_filters(request.GET)
    except BadQuery as exc:
        return bad_request(request, exc)
    query = request.GET.urlencode()
    suffix = f"?{query}" if query else ""
    context = {
        "filters": filters,
        "count": queries.stream(filters).count(),
        "csv_url": reverse("api:export-csv") + suffix,
        "jsonl_url": reverse("api:export-jsonl") + suffix,
    }
    return render(request, "feeds/export.html", context)
