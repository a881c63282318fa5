"""Deletions are proven over time, never after one failed or empty fetch; faults are no evidence at all; a
page that comes back clears the flag; a URL reused for another article makes a new article."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import override_settings

from tests.record.conftest import T0
from tests.sites.news import Story
from tests.sites.server import Page
from wirewatch.archive.models import Article, ChangeEvent, RecheckState, Removal
from wirewatch.watch.pipeline import poll_source
from wirewatch.watch.recheck import recheck_article

pytestmark = pytest.mark.django_db
STORY = Story(
    "/a/1", "Factory Inaugurated", ["Pyongyang, March 1 (KCNA) -- A new factory opened.", "Workers cheered."]
)


def thresholds(failures: int = 3, hours: float = 2):
    return override_settings(
        WIREWATCH={**settings.WIREWATCH, "REMOVAL_AFTER_FAILURES": failures, "REMOVAL_AFTER_HOURS": hours}
    )


@pytest.fixture
def stored(news, polite) -> Article:
    news.publish(STORY)
    poll_source(polite, news.source)
    return Article.objects.get()


def check(polite, article: Article, at):
    article = Article.objects.select_related("source", "current_version").get(pk=article.pk)
    return recheck_article(polite, article, now=at)


def state(article: Article) -> RecheckState:
    return RecheckState.objects.get(article=article)


def test_one_404_is_not_a_removal_but_404s_past_both_thresholds_are_and_a_return_clears_it(
    stored, news, polite
):
    news.site.routes["/a/1"] = Page("gone", status=404)
    with thresholds(failures=3, hours=2):
        assert check(polite, stored, T0)[1] == "evidence"
        assert Article.objects.get().removed_at is None
        assert check(polite, stored, T0 + timedelta(hours=1))[1] == "evidence"
        assert check(polite, stored, T0 + timedelta(hours=3))[1] == "removed"
    article = Article.objects.get()
    assert article.removed_at == T0
    removal = Removal.objects.get()
    assert (removal.removed_at, removal.confirmed_at, removal.restored_at) == (
        T0,
        T0 + timedelta(hours=3),
        None,
    )
    assert removal.last_seen == stored.last_seen and "404" in removal.evidence
    news.publish(STORY)
    assert check(polite, stored, T0 + timedelta(days=1))[1] == "restored"
    assert Article.objects.get().removed_at is None
    assert Removal.objects.get().restored_at == T0 + timedelta(days=1)
    assert list(ChangeEvent.objects.order_by("id").values_list("kind", flat=True)) == ["removed", "restored"]
    assert Article.objects.get().version_count == 1


def test_many_failures_within_the_time_threshold_are_not_a_removal(stored, news, polite):
    news.site.routes["/a/1"] = Page("gone", status=410)
    with thresholds(failures=3, hours=48):
        for minutes in range(0, 50, 10):
            assert check(polite, stored, T0 + timedelta(minutes=minutes))[1] == "evidence"
    assert Article.objects.get().removed_at is None and state(stored).failures == 5


def test_an_empty_200_body_alone_is_not_a_removal_and_the_next_good_fetch_clears_its_evidence(
    stored, news, polite
):
    news.site.routes["/a/1"] = Page("", status=200)
    with thresholds(failures=3, hours=2):
        assert check(polite, stored, T0)[0].reason == "empty body"
        assert Article.objects.get().removed_at is None
        news.publish(STORY)
        assert check(polite, stored, T0 + timedelta(hours=5))[1] == "checked"
    assert (state(stored).failures, state(stored).failing_since) == (0, None)


@pytest.mark.parametrize(
    "page",
    [
        Page("<html><body><h1>Page not found</h1><p>The page does not exist.</p></body></html>"),
        Page(
            "<html><body><h1 class='headline'>알림</h1><div class='story'><p>페이지가 없습니다.</p></div></body></html>"
        ),
        Page("", status=302, headers={"Location": "/"}),
    ],
    ids=["soft-404", "soft-404-korean", "redirect-home"],
)
def test_soft_404s_and_redirects_to_the_home_page_count_as_removal_evidence(stored, news, polite, page):
    news.site.routes["/a/1"] = page
    with thresholds(failures=2, hours=1):
        assert check(polite, stored, T0)[0].kind == "gone"
        assert check(polite, stored, T0 + timedelta(hours=2))[1] == "removed"
    assert Article.objects.get().version_count == 1


@pytest.mark.parametrize(
    "page",
    [
        Page("busy", status=503, headers={"Retry-After": "0"}),
        Page("oops", status=500),
        Page(b"\x00\x01\x02\xff" * 400),
    ],
    ids=["503", "500", "garbage"],
)
def test_5xx_and_garbage_add_no_version_no_evidence_and_are_retried(stored, news, polite, page):
    news.site.routes["/a/1"] = page
    with thresholds(failures=1, hours=0):
        check_, done = check(polite, stored, T0)
    assert (check_.kind, done) == ("transient", "retry")
    assert (state(stored).failures, state(stored).next_check_at) == (0, T0 + timedelta(hours=1))
    article = Article.objects.get()
    assert (article.version_count, article.removed_at) == (1, None)


def test_a_timeout_is_retried_without_evidence(stored, news, polite):
    news.site.routes["/a/1"] = Page(STORY.html(), delay=3)  # the polite gives up after 2 s
    with thresholds(failures=1, hours=0):
        check_, done = check(polite, stored, T0)
    assert (check_.kind, done, state(stored).failures) == ("transient", "retry", 0)
    assert Article.objects.get().removed_at is None


def test_a_url_reused_for_an_entirely_different_article_becomes_a_new_article(stored, news, polite):
    other = Story("/a/1", "Delegation Leaves for Moscow", ["A government delegation left Pyongyang by air today.",
                                                         "It was seen off by officials at the airport."])  # fmt: skip
    news.publish(other)
    check_, done = check(polite, stored, T0)
    assert done == "replaced"
    old, new = Article.objects.order_by("id")
    assert (old.superseded_by, old.version_count, new.version_count) == (new, 1, 1)
    assert new.title == "Delegation Leaves for Moscow" and new.url == old.url
    assert ChangeEvent.objects.get().kind == "reused"
    poll_source(polite, news.source)  # discovery still knows the URL: nothing new, nothing duplicated
    assert Article.objects.count() == 2


def test_an_edit_is_a_version_not_a_new_article(stored, news, polite):
    edited = Story(
        "/a/1", "Factory Inaugurated in Pyongyang", [*STORY.paragraphs[:1], "Workers and officials cheered."]
    )
    news.publish(edited)
    assert check(polite, stored, T0)[0].stored == "edited"
    assert Article.objects.get().version_count == 2


def test_the_schedule_decays_and_a_source_can_set_its_own(stored, news, polite):
    steps = []
    for hours in (2, 10, 40, 200):
        check(polite, stored, T0 + timedelta(hours=hours))
        steps.append((state(stored).next_check_at - (T0 + timedelta(hours=hours))).total_seconds())
    assert steps == [21600, 86400, 259200, 604800]
    news.source.rules = {**news.source.rules, "recheck": [60, 120]}
    news.source.save()
    check(polite, stored, T0)
    assert state(stored).next_check_at == T0 + timedelta(seconds=120)
