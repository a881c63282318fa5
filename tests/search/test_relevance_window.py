"""Relevance order ranks the best of the newest N matches (WIREWATCH_SEARCH_RELEVANCE_WINDOW), so its cost does
not grow with the archive: filters apply before the window, a query with at most N matches is ranked exactly as
before, paging stays within the first page's window, and the page and the API say when the window was hit."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core import signing
from django.test import override_settings

from tests.factories import BASE_TIME, make_source
from tests.search.helpers import ids, indexed
from tests.web.html import parse, text
from wirewatch.search.service import search

pytestmark = pytest.mark.django_db

EVERYTHING = 10**9  # a window no test archive reaches: every match ranked, the order before the window


def window(size: int) -> override_settings:
    return override_settings(WIREWATCH_SEARCH_RELEVANCE_WINDOW=size)


@pytest.fixture
def archive() -> dict[str, list[int]]:
    """36 articles, ids ascending with their dates (an hour apart, the last the newest), two sources. Two in
    three are about a harvest, said 1-5 times in bodies of different lengths, some in the headline too, so the
    best matches are spread over old and new ids; some texts repeat, so some scores tie (broken by id)."""
    en, ko = make_source(), make_source("kcna-ko", "KCNA", "Ko", "ko")
    made: dict[str, list[int]] = {"harvest": [], "kcna-ko": [], "all": []}
    for n in range(36):
        about = n % 3 != 2
        body = " ".join(["The harvest was gathered."] * (1 + n * 7 % 5) if about else ["Rain is expected."])
        body += " Officials met farmers." * (n % 4)
        title = f"Harvest report {n}" if about and n % 5 == 0 else f"Report {n}"
        source = ko if n % 2 else en
        article = indexed(source, title, body, published=BASE_TIME - timedelta(hours=36 - n))
        made["all"].append(article.pk)
        if about:
            made["harvest"].append(article.pk)
            if source is ko:
                made["kcna-ko"].append(article.pk)
    return made


def full_ranking(q: str) -> list[int]:
    with window(EVERYTHING):
        return ids(q, sort="relevance")


def newest(pks: list[int], n: int) -> set[int]:
    return set(sorted(pks)[-n:])


def test_more_matches_than_the_window_ranks_only_the_newest_n_in_the_full_order(archive):
    full = full_ranking("harvest")
    assert len(full) == len(archive["harvest"]) == 24
    inside = newest(archive["harvest"], 8)
    expected = [pk for pk in full if pk in inside]
    assert expected != sorted(inside, reverse=True)  # the ranking is not the id order: the test can tell
    assert full[:8] != expected  # and older matches rank among the best: the window changes the answer
    with window(8):
        assert ids("harvest", sort="relevance") == expected
        first = search({"q": "harvest", "sort": "relevance", "limit": "3"})
    assert first.window == 8
    assert first.notice == "Ranked among the 8 newest matches; narrow by date to rank older ones."


@pytest.mark.parametrize("q", ["harvest", "harvest OR farmers", '"harvest was"', "harvest -officials"])
@pytest.mark.parametrize("limit", ["3", "100"])
def test_at_most_n_matches_rank_exactly_as_every_match_ranked(archive, q, limit):
    full = full_ranking(q)
    assert len(full) > 3
    for size in (len(full), len(full) + 5):  # exactly N matches is not more than N: no window
        with window(size):
            assert ids(q, sort="relevance", limit=limit) == full
            assert search({"q": q, "sort": "relevance", "limit": limit}).window is None


def test_filters_apply_before_the_window(archive):
    full = full_ranking("harvest source:kcna-ko")
    inside = newest(archive["kcna-ko"], 5)
    with window(5):
        found = ids("harvest source:kcna-ko", sort="relevance")
    assert found == [pk for pk in full if pk in inside]
    assert not inside <= newest(archive["harvest"], 5)  # not the newest 5 matches, then filtered


def test_a_date_range_reaches_matches_older_than_the_window(archive):
    oldest_day = (BASE_TIME - timedelta(hours=36)).date().isoformat()
    q = f"harvest to:{oldest_day}"
    full = full_ranking(q)
    assert full and not set(full) & newest(archive["harvest"], 8)
    with window(8):
        assert ids(q, sort="relevance") == full


def test_cursor_paging_through_the_window_returns_each_once_in_the_single_page_order(archive):
    with window(8):
        whole = search({"q": "harvest", "sort": "relevance", "limit": "100"})
        seen, cursor = [], ""
        while True:
            page = search({"q": "harvest", "sort": "relevance", "limit": "3", "cursor": cursor})
            assert page.window == 8  # every page says so, not only the first
            seen += [article.pk for article in page.items]
            if not (cursor := page.next_cursor):
                break
    assert seen == [article.pk for article in whole.items]
    assert len(set(seen)) == 8 and set(seen) == newest(archive["harvest"], 8)


def test_later_pages_keep_the_first_pages_window(archive):
    with window(12):
        first = search({"q": "harvest", "sort": "relevance", "limit": "4"})
        expected = ids("harvest", sort="relevance")
    seen, cursor = [article.pk for article in first.items], first.next_cursor
    with window(4):  # a smaller window now: the pages already begun go on ranking the first one
        while cursor:
            page = search({"q": "harvest", "sort": "relevance", "limit": "4", "cursor": cursor})
            seen, cursor = seen + [article.pk for article in page.items], page.next_cursor
    assert seen == expected and len(seen) == 12


def test_a_cursor_made_before_the_window_goes_on_ranking_every_match(archive):
    full = full_ranking("harvest")
    first = search({"q": "harvest", "sort": "relevance", "limit": "5"})
    score, pk, _ = signing.Signer(salt="wirewatch.search.relevance-cursor", sep=".").unsign_object(
        first.next_cursor
    )
    old_cursor = signing.Signer(salt="wirewatch.search.relevance-cursor", sep=".").sign_object([score, pk])
    with window(8):
        page = search({"q": "harvest", "sort": "relevance", "limit": "100", "cursor": old_cursor})
    assert [article.pk for article in page.items] == full[5:] and page.window is None


def test_the_page_and_the_api_say_when_the_window_was_hit(client, archive):
    with window(8):
        page = parse(client.get("/search", {"q": "harvest", "sort": "relevance"}))
        body = json.loads(client.get("/api/v1/search", {"q": "harvest", "sort": "relevance"}).content)
        by_date = json.loads(client.get("/api/v1/search", {"q": "harvest"}).content)
    notice = "Ranked among the 8 newest matches; narrow by date to rank older ones."
    assert text(page.css_first(".search-notice")) == notice
    assert body["ranked_among_newest"] == 8 and body["notice"] == notice and len(body["items"]) == 8
    assert by_date["ranked_among_newest"] is None and by_date["notice"] is None  # date order sees every match
    with window(100):
        page = parse(client.get("/search", {"q": "harvest", "sort": "relevance"}))
        body = json.loads(client.get("/api/v1/search", {"q": "harvest", "sort": "relevance"}).content)
    assert page.css_first(".search-notice") is None
    assert body["ranked_among_newest"] is None and body["notice"] is None
