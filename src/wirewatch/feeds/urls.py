from django.urls import path

from wirewatch.feeds import syndication as feeds
from wirewatch.feeds import views
from wirewatch.feeds.jsonfeed import json_feed_view
from wirewatch.feeds.syndication import feed_view

app_name = "feeds"


def feed_urls(prefix: str, rss: type, atom: type, name: str) -> list:
    """The three formats of one feed: ``<prefix>feed.rss``, ``feed.atom``, ``feed.json``."""
    return [
        path(f"{prefix}feed.rss", feed_view(rss), name=f"{name}-rss"),
        path(f"{prefix}feed.atom", feed_view(atom), name=f"{name}-atom"),
        path(f"{prefix}feed.json", json_feed_view(rss), name=f"{name}-json"),
    ]


urlpatterns = [
    *feed_urls("", feeds.StreamFeed, feeds.StreamAtomFeed, "stream"),
    *feed_urls("sources/<slug:slug>/", feeds.SourceFeed, feeds.SourceAtomFeed, "source"),
    path("sources/opml", views.sources_opml, name="sources-opml"),
    path("export/", views.export_page, name="export"),
]
