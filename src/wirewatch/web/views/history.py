"""The record, as pages: an article's history with word diffs, and the change stream (page and Atom feed)."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from wirewatch.archive.changes import (
    KINDS,
    ChangeFilters,
    article_diff,
    change_page,
    change_stream,
    parse_change_filters,
    versions_of,
)
from wirewatch.archive.models import ChangeEvent
from wirewatch.sources.models import Source
from wirewatch.web import queries
from wirewatch.web.paging import BadQuery
from wirewatch.web.views.common import paging_links
from wirewatch.web.views.errors import bad_request


def history(request: HttpRequest, pk: int) -> HttpResponse:
    article = queries.article_with_version(pk)
    if article is None:
        raise Http404("No such article.")
    try:
        diff = article_diff(article, request.GET.get("from"), request.GET.get("to"))
    except BadQuery as exc:
        return bad_request(request, exc)
    context = {
        "article": article,
        "source": article.source,
        "versions": versions_of(article),
        "removals": list(article.removals.order_by("-removed_at")),
        "diff": diff,
        "superseded_by": article.superseded_by,
        "supersedes": list(article.supersedes.all()),
    }
    return render(request, "web/history.html", context)


def changes(request: HttpRequest) -> HttpResponse:
    try:
        filters = parse_change_filters(request.GET)
        items, next_cursor = change_page(filters, request.GET.get("cursor"))
    except BadQuery as exc:
        return bad_request(request, exc)
    context = {
        "items": items,
        **paging_links(request, next_cursor),
        "filters": filters,
        "kinds": KINDS,
        "sources": Source.objects.only("slug", "name", "edition"),
        "feed_url": reverse("web:changes-feed") + (f"?{request.GET.urlencode()}" if request.GET else ""),
    }
    return render(request, "web/changes.html", context)


def describe(event: ChangeEvent) -> str:
    what = {
        "edited": f"Edited at source (version {event.version.number if event.version else '?'})",
        "removed": "Removed at source",
        "restored": "Back at source",
        "reused": "URL reused by the source for another article",
    }[event.kind]
    return f"{what}: {event.article.title}"


class ChangeFeed(Feed):
    """The change stream as Atom (RFC 4287), with the same filters as the page."""

    feed_type = Atom1Feed
    title = "Wirewatch — changes at source"
    subtitle = "Edits, removals and reused URLs noticed by re-checking what the sources published."

    def get_object(self, request: HttpRequest) -> ChangeFilters:
        try:
            return parse_change_filters(request.GET)
        except BadQuery:
            return ChangeFilters()

    def link(self) -> str:
        return reverse("web:changes")

    def items(self, filters: ChangeFilters) -> list[ChangeEvent]:
        return list(change_stream(filters)[:50])

    def item_title(self, item: ChangeEvent) -> str:
        return describe(item)

    def item_description(self, item: ChangeEvent) -> str:
        # Atom puts this in <summary type="html">: escape the source's name and URL, which a source chose.
        return escape(f"{item.source.display_name} — {item.article.url}")

    def item_link(self, item: ChangeEvent) -> str:
        url = reverse("web:history", args=[item.article_id])
        if item.kind == "edited" and item.version:
            url += f"?from={item.version.number - 1}&to={item.version.number}"
        return url

    def item_guid(self, item: ChangeEvent) -> str:
        return f"wirewatch-change-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: ChangeEvent):
        return item.at

    def item_updateddate(self, item: ChangeEvent):
        return item.at
