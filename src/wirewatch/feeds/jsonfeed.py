"""JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) from any ArticleFeed.

By hand because Django's syndication framework only writes XML and no maintained library fits its feed classes;
the format is a small JSON object. Our tests validate the output against the published JSON Schema.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse

from wirewatch.archive.models import Article
from wirewatch.feeds.syndication import ArticleFeed

VERSION = "https://jsonfeed.org/version/1.1"


def _rfc3339(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else None


def json_item(feed: ArticleFeed, item: Article) -> dict[str, Any]:
    url = feed.item_guid(item)
    entry = {
        "id": url,
        "url": url,
        "external_url": item.url,
        "title": feed.item_title(item),
        "content_html": feed.item_description(item),
        "date_published": _rfc3339(feed.item_pubdate(item)),
        "date_modified": _rfc3339(feed.item_updateddate(item)),
        "language": item.language,
        "tags": feed.item_categories(item),
        "_wirewatch": {
            "title_is_lead": item.title_is_lead,
            "published_is_estimate": item.published_is_estimate,
        },
    }
    return {key: value for key, value in entry.items() if value not in (None, "")}


def json_feed(feed: ArticleFeed, request: HttpRequest, **kwargs: Any) -> dict[str, Any]:
    feed.request = request
    obj = feed.get_object(request, **kwargs)
    return {
        "version": VERSION,
        "title": feed.title(obj),
        "home_page_url": request.build_absolute_uri(feed.link(obj)),
        "feed_url": request.build_absolute_uri(request.path),
        "description": feed.description(obj),
        "items": [json_item(feed, item) for item in feed.items(obj)],
    }


def json_feed_view(feed_class: type[ArticleFeed]):
    """A view serving ``feed_class`` as JSON Feed, with the media type the spec names."""

    def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        body = json.dumps(json_feed(feed_class(), request, **kwargs), ensure_ascii=False)
        return HttpResponse(body, content_type="application/feed+json; charset=utf-8")

    return view
