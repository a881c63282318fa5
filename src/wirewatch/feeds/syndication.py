"""Feeds of articles, in RSS 2.0 and Atom (Django's syndication framework) and JSON Feed 1.1 (jsonfeed.py).

``ArticleFeed`` is the one base: a subclass says which object the feed is about (``get_object``), what it is
called and where it lives, and which articles it carries (``articles``). Everything about items (stable ids,
full sanitised HTML, lead-headlines as titles) is here, once, so per-entity, per-saved-search and change-stream
feeds are each a few lines: subclass, then route the three formats with ``feed_urls()`` (urls.py).
"""

from __future__ import annotations

from typing import Any

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.html import escape

from wirewatch.archive.models import Article
from wirewatch.sources.models import Source

FEED_SIZE = 50


class AtomWithContent(feedgenerator.Atom1Feed):
    """Atom with the full body in <content type="html"> (RFC 4287 section 4.1.3) rather than a <summary>."""

    def add_item_elements(self, handler, item):
        content, item["description"] = item["description"], None
        try:
            super().add_item_elements(handler, item)
        finally:
            item["description"] = content
        if content:
            handler.addQuickElement("content", content, {"type": "html"})


class EscapedRss(feedgenerator.Rss201rev2Feed):
    """RSS whose channel <description> is escaped: readers render it as HTML (RSS 2.0 gives it no type), and
    ours quotes source names and saved-search queries, which anyone may have written. Atom's <subtitle> is
    plain text by default (RFC 4287 section 3.1.1), so AtomMixin needs no such care."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.feed["description"] = escape(self.feed["description"] or "")


class ArticleFeed(Feed):
    """The shared item logic; subclasses define get_object, title, link, description and articles."""

    feed_type = EscapedRss
    language = "en"

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any):
        # item_guid needs absolute URLs and Django passes no request to item methods: so one instance per
        # request (see feed_view()), never shared between threads.
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def articles(self, obj: Any) -> QuerySet[Article]:
        raise NotImplementedError

    def items(self, obj: Any) -> list[Article]:
        queryset = self.articles(obj).select_related("source", "current_version__html_blob")
        return list(queryset.order_by("-published", "-id")[:FEED_SIZE])

    def feed_url(self, obj: Any) -> str:
        return self.request.path  # never the query: it may carry ?token=

    def item_title(self, item: Article) -> str:
        # A lead-headline (the source gave none) is still the best title a reader gets: keep it.
        return item.title

    def item_link(self, item: Article) -> str:
        return reverse("web:article", args=[item.pk])

    def item_guid(self, item: Article) -> str:
        # Our article URL: it never changes, whatever the source does to its own URLs or headlines.
        return self.request.build_absolute_uri(self.item_link(item))

    def item_guid_is_permalink(self, item: Article) -> bool:
        return True

    def item_description(self, item: Article) -> str:
        # Sanitised with nh3 when stored (extraction/sanitise.py): safe to hand to feed readers as is.
        return item.current_version.html if item.current_version else ""

    def item_pubdate(self, item: Article):
        return item.published

    def item_updateddate(self, item: Article):
        return item.current_version.fetched_at if item.current_version else item.published

    def item_categories(self, item: Article) -> list[str]:
        return [item.source.display_name]


class AtomMixin:
    feed_type = AtomWithContent

    def subtitle(self, obj: Any) -> str:
        return self.description(obj)


class SourceFeed(ArticleFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Source:
        source = get_object_or_404(Source, slug=slug)
        self.language = source.language
        return source

    def title(self, obj: Source) -> str:
        return f"{obj.display_name} — Wirewatch"

    def link(self, obj: Source) -> str:
        return reverse("web:source", args=[obj.slug])

    def description(self, obj: Source) -> str:
        return f"Articles of {obj.display_name}, as Wirewatch keeps them."

    def articles(self, obj: Source) -> QuerySet[Article]:
        return Article.objects.filter(source=obj)


class SourceAtomFeed(AtomMixin, SourceFeed):
    pass


class StreamFeed(ArticleFeed):
    """Every source: the newstream."""

    def get_object(self, request: HttpRequest) -> None:
        return None

    def title(self, obj: None) -> str:
        return "Wirewatch newstream"

    def link(self, obj: None) -> str:
        return reverse("web:stream")

    def description(self, obj: None) -> str:
        return "The newest articles of every source Wirewatch watches."

    def articles(self, obj: None) -> QuerySet[Article]:
        return Article.objects.all()


class StreamAtomFeed(AtomMixin, StreamFeed):
    pass


def feed_view(feed_class: type[ArticleFeed]):
    """A view that makes a fresh feed object per request (the feed keeps the request on itself)."""

    def view(request: HttpRequest, **kwargs: Any):
        return feed_class()(request, **kwargs)

    return view
