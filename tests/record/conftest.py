"""Fixtures for the record's tests: a polite client writing WARC into the run's data directory, and a
source on a local site whose pages tests rewrite, delete and restore between polls and re-checks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.conf import settings

from tests.factories import make_source
from tests.sites.news import ARTICLE_RULES, LISTING_RULES, Story, listing_html
from tests.sites.server import LocalSite, Page
from wirewatch.fetching.client import PoliteClient
from wirewatch.fetching.warc import WarcWriter

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def polite():
    with PoliteClient(warc=WarcWriter(settings.WARC_DIR), timeout=2) as polite:
        yield polite
    polite.warc.close()


@pytest.fixture
def news(site: LocalSite):
    """A source (delay 0) listing the stories served by ``publish``."""
    return News(site)


class News:
    def __init__(self, site: LocalSite) -> None:
        self.site = site
        self.source = make_source(
            "kcna-en", "KCNA", language="en", home=site.url("/"), listings=[site.url("/list")], delay=0,
            rules={"listing": LISTING_RULES, "article": ARTICLE_RULES},
        )  # fmt: skip
        self.stories: list[Story] = []
        self.site.routes["/"] = Page("<html><body><h1>Home</h1><p>Welcome to the site.</p></body></html>")

    def publish(self, *stories: Story) -> None:
        """Serve ``stories`` (newest first on the listing), replacing earlier pages at the same paths."""
        by_path = {story.path: story for story in self.stories}
        by_path.update({story.path: story for story in stories})
        self.stories = list(by_path.values())
        for story in stories:
            self.site.routes[story.path] = Page(story.html())
        self.site.routes["/list"] = Page(listing_html(self.stories))

    def list_only(self, paths: list[str]) -> None:
        """The listing shows only these paths (in this order)."""
        by_path = {story.path: story for story in self.stories}
        self.site.routes["/list"] = Page(listing_html([by_path[p] for p in paths]))
