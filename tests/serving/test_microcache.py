"""The micro-cache in front of the WSGI app: anonymous answers kept for under a second, served without Django or
a query; fresh again after the TTL; never mixed up between who asks or what they ask; bounded in bytes; and no
way around the API rate limit."""

from __future__ import annotations

import time
from datetime import timedelta

import httpx
import pytest
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext

from tests.accounts.helpers import bearer, client_for, make_user, token_for
from tests.factories import BASE_TIME, make_article, make_articles, make_source
from tests.serving.test_page_cache import extracted
from wirewatch.accounts.models import Counter
from wirewatch.archive.store import store_extracted
from wirewatch.serving.fastpath import FastPath
from wirewatch.serving.microcache import MicroCache

pytestmark = pytest.mark.django_db
TTL = 0.4


@pytest.fixture
def micro(settings):
    """Refreshes on the request's own thread: the test's data is in its open transaction, which another
    thread's connection cannot see (test_an_entry_past_its_ttl_is_refreshed_in_the_background commits)."""
    settings.WIREWATCH_MICROCACHE_SECONDS = TTL
    return MicroCache(FastPath(get_wsgi_application()), refresh_in_background=False)


@pytest.fixture
def wsgi(micro):
    """Requests through the same layers as wirewatch.wsgi, in process, keeping the test's database connection
    open across requests (it holds the test's transaction), as Django's test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        with httpx.Client(transport=httpx.WSGITransport(app=micro), base_url="http://127.0.0.1") as client:
            yield client
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


class DjangoCalls:
    """Counts requests that reached Django's handler, and database queries made, while active."""

    def __enter__(self):
        self.requests = 0
        signals.request_started.connect(self._started, weak=False)
        self._queries = CaptureQueriesContext(connection).__enter__()
        return self

    def __exit__(self, *exc):
        self._queries.__exit__(*exc)
        signals.request_started.disconnect(self._started)
        self.queries = len(self._queries.captured_queries)

    def _started(self, **kwargs):
        self.requests += 1


def test_a_repeated_anonymous_page_is_answered_without_django_or_a_query(wsgi):
    make_articles(make_source(), 3)
    first = wsgi.get("/")
    with DjangoCalls() as calls:
        second = wsgi.get("/")
    assert (calls.requests, calls.queries) == (0, 0)
    assert second.status_code == 200 and second.content == first.content
    assert second.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    assert second.headers["ETag"] == first.headers["ETag"]


def test_the_article_page_hit_skips_even_the_marker_queries(wsgi):
    article = make_article(make_source(), "Headline")
    wsgi.get(f"/articles/{article.pk}/")
    with DjangoCalls() as calls:
        assert b"Headline" in wsgi.get(f"/articles/{article.pk}/").content
    assert calls.queries == 0


def test_a_new_article_shows_in_another_pages_rail_once_the_ttl_has_passed(wsgi):
    source = make_source()
    article = make_article(source, "Older", published=BASE_TIME)
    wsgi.get(f"/articles/{article.pk}/")
    store_extracted(
        source, "http://127.0.0.1:9/new", extracted("Just stored", BASE_TIME + timedelta(hours=1))
    )
    stored = time.monotonic()
    while b"Just stored" not in wsgi.get(f"/articles/{article.pk}/").content:
        assert time.monotonic() - stored < 1.0, "the rail was not fresh within a second"
        time.sleep(0.02)
    assert time.monotonic() - stored < 1.0


def test_a_matching_if_none_match_gets_a_304_from_the_cache(wsgi):
    make_articles(make_source(), 2)
    etag = wsgi.get("/").headers["ETag"]
    with DjangoCalls() as calls:
        again = wsgi.get("/", headers={"If-None-Match": etag})
        other = wsgi.get("/", headers={"If-None-Match": '"something-else"'})
    assert calls.requests == 0
    assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == etag
    assert "Content-Security-Policy" not in again.headers
    assert other.status_code == 200 and other.content


def test_a_conditional_request_on_a_cold_cache_fills_it_and_gets_its_304(wsgi, micro):
    make_articles(make_source(), 2)
    etag = wsgi.get("/").headers["ETag"]
    micro.clear()
    assert wsgi.get("/", headers={"If-None-Match": etag}).status_code == 304
    with DjangoCalls() as calls:
        again = wsgi.get("/", headers={"If-None-Match": etag})
        full = wsgi.get("/")
    assert calls.requests == 0 and again.status_code == 304
    assert full.status_code == 200 and full.headers["ETag"] == etag


def test_head_is_answered_with_the_headers_and_no_body(wsgi):
    make_articles(make_source(), 2)
    full = wsgi.get("/")
    with DjangoCalls() as calls:
        head = wsgi.head("/")
    assert calls.requests == 0
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Length"] == full.headers["Content-Length"] == str(len(full.content))


def test_a_logged_in_reader_never_gets_the_anonymous_copy(wsgi):
    article = make_article(make_source(), "Headline")
    wsgi.get(f"/articles/{article.pk}/")
    session = client_for(make_user("analyst2", "analyst")).cookies["sessionid"].value
    mine = wsgi.get(f"/articles/{article.pk}/", headers={"Cookie": f"sessionid={session}"})
    assert b"analyst2" in mine.content and mine.headers["Cache-Control"] == "private, no-store"
    again = wsgi.get(f"/articles/{article.pk}/", headers={"Cookie": f"sessionid={session}"})
    assert b"analyst2" in again.content
    assert b"analyst2" not in wsgi.get(f"/articles/{article.pk}/").content


def test_an_api_token_is_answered_by_django_for_its_owner(wsgi):
    make_articles(make_source(), 2)
    anonymous = wsgi.get("/api/v1/articles")
    token = token_for(make_user("ana", "analyst"))
    header = {"Authorization": bearer(token)["HTTP_AUTHORIZATION"]}
    with DjangoCalls() as calls:
        by_header = wsgi.get("/api/v1/articles", headers=header)
        by_query = wsgi.get(f"/api/v1/articles?token={token}")
    assert calls.requests == 2
    assert anonymous.headers["Cache-Control"].startswith("public")
    assert by_header.headers["Cache-Control"] == by_query.headers["Cache-Control"] == "private, no-store"


def test_query_strings_are_kept_apart(wsgi):
    make_articles(make_source(), 3)
    everything = wsgi.get("/api/v1/articles").json()
    one = wsgi.get("/api/v1/articles?limit=1").json()
    assert len(one["items"]) == 1 and len(everything["items"]) == 3
    assert wsgi.get("/api/v1/articles").json() == everything
    assert wsgi.get("/api/v1/articles?limit=1").json() == one


def test_answers_varying_on_cookie_are_kept_apart_by_cookie(wsgi):
    make_articles(make_source(), 2)
    first = wsgi.get("/")
    assert "cookie" in first.headers["Vary"].lower()
    with DjangoCalls() as calls:
        wsgi.get("/", headers={"Cookie": "csrftoken=" + "a" * 32})  # another Cookie: not the anonymous copy
        wsgi.get("/", headers={"Cookie": "csrftoken=" + "a" * 32})  # the same Cookie again: its own copy
        wsgi.get("/", headers={"Cookie": "csrftoken=" + "b" * 32})
    assert calls.requests == 2


def test_the_cache_stays_within_its_byte_budget_dropping_the_least_recently_used(wsgi, micro, settings):
    articles = make_articles(make_source(), 14)
    page = len(wsgi.get(f"/articles/{articles[0].pk}/").content)
    # Room for about nine pages with their headers (one answer may take at most an eighth of the room).
    settings.WIREWATCH_MICROCACHE_BYTES = 9 * (page + 4096)
    micro.clear()
    for article in articles:
        wsgi.get(f"/articles/{article.pk}/")
        assert micro.size_bytes <= settings.WIREWATCH_MICROCACHE_BYTES
    with DjangoCalls() as calls:
        wsgi.get(f"/articles/{articles[-1].pk}/")  # among the newest: kept
    assert calls.queries == 0
    with DjangoCalls() as calls:
        wsgi.get(f"/articles/{articles[0].pk}/")  # the oldest: dropped
    assert calls.queries > 0


def test_private_mode_is_never_answered_from_the_cache(wsgi, settings):
    article = make_article(make_source(), "Secret headline")
    wsgi.get(f"/articles/{article.pk}/")  # kept while public
    settings.WIREWATCH_PRIVATE = True
    answer = wsgi.get(f"/articles/{article.pk}/")
    assert answer.status_code == 302 and b"Secret headline" not in answer.content


def test_a_host_django_refuses_is_refused_even_with_the_page_cached(wsgi):
    make_articles(make_source(), 2)
    wsgi.get("/")
    assert wsgi.get("/", headers={"Host": "evil.example"}).status_code == 400
    assert wsgi.get("/", headers={"Host": "evil.example"}).status_code == 400


def test_a_ttl_of_zero_turns_the_cache_off(wsgi, settings):
    make_articles(make_source(), 2)
    settings.WIREWATCH_MICROCACHE_SECONDS = 0
    wsgi.get("/")
    with DjangoCalls() as calls:
        wsgi.get("/")
    assert calls.requests == 1


def test_cached_api_answers_still_count_against_the_rate_limit(wsgi, settings):
    settings.WIREWATCH_API_RATE_LIMIT = 5
    make_articles(make_source(), 2)
    answers = [wsgi.get("/api/v1/articles") for _ in range(8)]
    assert [a.status_code for a in answers] == [200] * 5 + [429] * 3
    assert [a.headers["X-RateLimit-Remaining"] for a in answers[:5]] == ["4", "3", "2", "1", "0"]
    assert int(answers[-1].headers["Retry-After"]) >= 1


def test_cached_api_hits_are_written_to_the_shared_counter(wsgi, micro):
    make_articles(make_source(), 2)
    for _ in range(30):
        assert wsgi.get("/api/v1/articles").status_code == 200
    micro.counter.flush()
    assert sum(Counter.objects.filter(key__startswith="api-ip:").values_list("count", flat=True)) == 30


@pytest.mark.django_db(transaction=True)
def test_an_entry_past_its_ttl_is_served_while_the_background_refresh_runs(settings):
    settings.WIREWATCH_MICROCACHE_SECONDS = 0.2
    micro = MicroCache(FastPath(get_wsgi_application()))
    source = make_source()
    make_article(source, "Older", published=BASE_TIME)
    with httpx.Client(transport=httpx.WSGITransport(app=micro), base_url="http://127.0.0.1") as client:
        assert b"Older" in client.get("/").content
        store_extracted(
            source, "http://127.0.0.1:9/new", extracted("Just stored", BASE_TIME + timedelta(hours=1))
        )
        time.sleep(0.25)  # past the TTL, within MAX_AGE_SECONDS
        with DjangoCalls() as calls:
            stale = client.get("/")
        assert calls.queries == 0 and b"Just stored" not in stale.content  # served at once, refresh queued
        stored = time.monotonic()
        while b"Just stored" not in client.get("/").content:
            assert time.monotonic() - stored < 1.0, "the background refresh did not land"
            time.sleep(0.02)
