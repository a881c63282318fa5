"""Listing pages compared between polls: a gap among still-listed neighbours asks for an immediate re-check;
items that age off the end of a listing do not."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.sites.news import Story
from wirewatch.archive.listings import vanished_between
from wirewatch.archive.models import Article, RecheckState
from wirewatch.watch.pipeline import poll_source

pytestmark = pytest.mark.django_db


def test_only_urls_missing_between_still_listed_neighbours_count_as_vanished():
    assert vanished_between(["a", "b", "c", "d"], ["a", "c", "d"]) == ["b"]
    assert vanished_between(["a", "b", "c", "d"], ["new", "a", "b"]) == []  # c, d aged off the end
    assert vanished_between(["a", "b", "c"], ["x", "y"]) == []  # a whole new page says nothing
    assert vanished_between(["a", "b", "c", "d", "e"], ["n", "a", "c", "e"]) == ["b", "d"]


def test_an_article_gone_from_between_its_neighbours_is_rechecked_at_once(news, polite):
    stories = [
        Story(f"/a/{i}", f"Story number {i}", [f"Pyongyang (KCNA) -- Text of story {i}."]) for i in range(5)
    ]
    news.publish(*stories)
    poll_source(polite, news.source)
    assert RecheckState.objects.filter(next_check_at__lte=timezone.now()).count() == 0
    news.list_only(["/a/0", "/a/1", "/a/3"])  # /a/2 vanished in between; /a/4 aged off the end
    poll_source(polite, news.source)
    due = RecheckState.objects.filter(next_check_at__lte=timezone.now()).values_list(
        "article__url", flat=True
    )
    assert list(due) == [news.site.url("/a/2")]
    assert Article.objects.count() == 5
