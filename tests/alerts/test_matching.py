"""Matching stored articles against saved searches and follows: through the real store path and the queue."""

from __future__ import annotations

import random
import time

import pytest

from tests.accounts.helpers import make_user
from tests.alerts.helpers import saved_search, store
from tests.factories import make_source
from wirewatch.alerts.matching import process_queue
from wirewatch.alerts.models import Delivery, QueueItem, Subscription
from wirewatch.archive.recheck import GONE, record_check

pytestmark = pytest.mark.django_db
STEMS = ["missile", "rocket", "harvest", "delegation", "typhoon", "factory", "congress", "railway", "tractor",
         "hospital", "school", "theatre", "embassy", "treaty", "reservoir", "power", "coal", "steel", "fishery",
         "orchard", "bridge", "museum", "athlete", "scientist", "satellite", "fertilizer", "textile", "port",
         "airport", "greenhouse", "irrigation", "forest", "tunnel", "highway", "dam", "mine", "cement", "glass",
         "paper", "rice"]  # fmt: skip


@pytest.fixture
def analyst():
    return make_user("ana", "analyst")


def test_a_stored_article_matching_a_saved_search_makes_one_outbox_row_with_a_marked_snippet(analyst):
    source = make_source()
    search = saved_search(analyst, "missile")
    saved_search(analyst, "typhoon")
    article = store(source, "Launch reported", "Pyongyang -- A new missile was launched on Tuesday.")
    assert QueueItem.objects.count() == 1
    process_queue()
    rows = list(Delivery.objects.all())
    assert [(row.subscription_id, row.key, row.event) for row in rows] == [
        (search.pk, f"match:{article.pk}", "match")
    ]
    assert "<mark>missile</mark>" in rows[0].payload["snippet"]
    assert QueueItem.objects.count() == 0


def test_an_edit_of_a_matched_article_does_not_alert_twice_as_new_but_alerts_the_change(analyst):
    source = make_source()
    search = saved_search(analyst, "missile")
    url = "http://127.0.0.1:9/naenara-en/a/edited"
    article = store(source, "Launch", "A missile was launched.", url=url)
    process_queue()
    store(source, "Launch", "A missile was launched. Corrected: two of them.", url=url)
    process_queue()
    events = sorted(Delivery.objects.filter(subscription=search).values_list("event", "key"))
    assert events[1] == ("match", f"match:{article.pk}") and events[0][0] == "edited"
    assert len(events) == 2


def test_field_filters_and_dueum_spellings_match_like_the_search_page(analyst):
    kcna, naenara = (
        make_source("kcna-ko", "KCNA", "Ko", "ko"),
        make_source("naenara-ko", "Naenara", "Ko", "ko"),
    )
    southern = saved_search(analyst, "노동당 source:kcna-ko")
    hit = store(kcna, "보도", "조선로동당 중앙위원회 전원회의가 열렸다.", language="ko")
    store(naenara, "보도", "조선로동당 중앙위원회 전원회의가 열렸다.", language="ko")
    process_queue()
    assert list(Delivery.objects.values_list("subscription_id", "article_id")) == [(southern.pk, hit.pk)]


def test_followed_article_removal_and_followed_source_news_reach_their_followers(analyst, settings):
    settings.WIREWATCH = {**settings.WIREWATCH, "REMOVAL_AFTER_FAILURES": 1, "REMOVAL_AFTER_HOURS": 0}
    source = make_source()
    article = store(source, "Statement", "A statement of the spokesman.")
    process_queue()
    follow = Subscription.objects.create(owner=analyst, kind="article", article=article, name="x")
    source_follow = Subscription.objects.create(owner=analyst, kind="source", source=source, name="y")
    assert record_check(article, GONE, "HTTP 404") == "removed"
    newer = store(source, "Another", "Another statement.")
    process_queue()
    assert list(follow.deliveries.values_list("event", flat=True)) == ["removed"]
    assert sorted(source_follow.deliveries.values_list("event", "article_id")) == [
        ("new", newer.pk),
        ("removed", article.pk),
    ]


def test_a_broken_saved_query_is_skipped_not_fatal(analyst):
    source = make_source()
    bad = saved_search(analyst, "entity:nobody-at-all missile")
    good = saved_search(analyst, "missile")
    store(source, "Launch", "A missile was launched.")
    process_queue()
    assert not bad.deliveries.exists() and good.deliveries.count() == 1


def test_matching_500_saved_searches_keeps_up(analyst, capsys):
    """Throughput with 500 distinct saved searches (reported in docs/alerts.md): each article matches a few, as
    real alerts do; the cost is the batch, not the archive."""
    rng = random.Random(5)
    vocabulary = [f"{stem}{code}" for stem in STEMS for code in ("", "a", "o", "u", "ex", "ix", "al", "or")]
    source = make_source()
    queries = {" ".join(rng.sample(vocabulary, rng.choice((2, 3)))) for _ in range(2000)}
    for query in sorted(queries)[:500]:
        saved_search(analyst, query, channel="feed")
    for i in range(200):
        store(source, f"Report {i}", " ".join(rng.sample(vocabulary, 25)) + f". Item {i}.")
    started = time.perf_counter()
    process_queue()
    elapsed = time.perf_counter() - started
    rate, matches = 200 / elapsed, Delivery.objects.count()
    with capsys.disabled():
        print(
            f"\nalerts matching: 200 articles x 500 saved searches, {matches} matches, {elapsed:.2f} s = {rate:.0f} articles/s"
        )
    assert matches > 200
    assert rate > 20  # ~400–800 on an idle 2-core machine; the floor leaves room for a loaded CI box
