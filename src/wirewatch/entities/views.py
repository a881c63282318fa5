"""Entity pages: the list by kind, one entity (aliases, timeline, latest mentions, appears with), appearances."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from wirewatch.entities import queries
from wirewatch.entities.chart import build_chart
from wirewatch.entities.models import Entity
from wirewatch.web.paging import BadQuery, paginate
from wirewatch.web.views.common import paging_links
from wirewatch.web.views.errors import bad_request

PERIODS = ("month", "week")


def entity_list(request: HttpRequest) -> HttpResponse:
    groups = queries.entities_by_kind()
    kinds = [(Entity.Kind(kind).label, entities) for kind, entities in groups.items()]
    return render(request, "entities/list.html", {"kinds": kinds})


def _period(request: HttpRequest) -> str:
    by = request.GET.get("by", "month")
    if by not in PERIODS:
        raise BadQuery("by must be month or week.")
    return by


def entity_detail(request: HttpRequest, slug: str) -> HttpResponse:
    entity = get_object_or_404(Entity, slug=slug)
    try:
        by = _period(request)
        page = paginate(queries.articles_mentioning(entity), request.GET.get("cursor"))
    except BadQuery as exc:
        return bad_request(request, exc)
    context = {
        "entity": entity,
        "aliases": entity.aliases.order_by("language", "text"),
        "chart": build_chart(queries.timeline_counts(entity, by), by),
        "by": by,
        "page": page,
        **paging_links(request, page.next_cursor),
        "appears_with": queries.appears_with(entity),
    }
    return render(request, "entities/detail.html", context)


def appearances(request: HttpRequest, slug: str) -> HttpResponse:
    entity = get_object_or_404(Entity, slug=slug)
    if not entity.track_appearances:
        raise Http404("Appearances are not tracked for this entity.")
    try:
        page = paginate(queries.articles_with_appearances(entity), request.GET.get("cursor"))
    except BadQuery as exc:
        return bad_request(request, exc)
    found = queries.appearances_of(entity, page.items)
    rows = [(article, found.get(article.pk)) for article in page.items]
    context = {"entity": entity, "rows": rows, "page": page, **paging_links(request, page.next_cursor)}
    return render(request, "entities/appearances.html", context)
