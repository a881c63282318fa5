"""The watcher re-checks a source's due articles in the thread that polls its host, one request at a time."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.sites.news import Story
from wirewatch.archive.models import Article, RecheckState
from wirewatch.watch.loop import _poll_group

pytestmark = pytest.mark.django_db(transaction=True)  # the group runs in its own thread and connection


def in_host_thread(polite, source) -> None:
    """As the Watcher runs a host's group: in a pool thread, which closes its connection when done."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_poll_group, polite, [source], True).result()


def test_due_rechecks_run_after_the_poll_in_the_same_thread_and_store_the_edit(news, polite):
    news.publish(*[Story(f"/a/{i}", f"Story {i}", [f"Pyongyang (KCNA) -- Text {i}."]) for i in range(3)])
    in_host_thread(polite, news.source)
    assert RecheckState.objects.filter(next_check_at__lte=timezone.now()).count() == 0  # nothing due yet
    news.publish(Story("/a/1", "Story 1", ["Pyongyang (KCNA) -- Text 1, corrected."]))
    RecheckState.objects.filter(article__url=news.site.url("/a/1")).update(
        next_check_at=timezone.now() - timedelta(seconds=1)
    )
    in_host_thread(polite, news.source)
    assert Article.objects.get(url=news.site.url("/a/1")).version_count == 2
    assert [a.version_count for a in Article.objects.exclude(url=news.site.url("/a/1"))] == [1, 1]
    assert news.site.max_in_flight == 1
    assert len(news.site.hits_for("/a/1")) == 2 and len(news.site.hits_for("/a/0")) == 1
