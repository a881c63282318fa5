"""The WSGI fast path in front of Django: the shared article page exactly as Django made it, and never for
anyone whose answer Django must decide (a session, a token, private mode, a refused Host)."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from django.core import signals
from django.db import close_old_connections

from tests.accounts.helpers import client_for, make_user
from tests.factories import BASE_TIME, make_article, make_source
from tests.serving.test_page_cache import extracted
from wirewatch.archive.store import store_extracted
from wirewatch.wsgi import application

pytestmark = pytest.mark.django_db


@pytest.fixture
def wsgi():
    """Requests through the real WSGI entry point (wirewatch.wsgi.application), in process. Like Django's test
    client, keep the test's database connection open across requests (it holds the test's transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield from _client()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _client():
    with httpx.Client(transport=httpx.WSGITransport(app=application), base_url="http://127.0.0.1") as client:
        yield client


def test_the_fast_path_answers_with_django_s_own_headers_and_body(wsgi):
    article = make_article(make_source(), "Fast headline")
    first = wsgi.get(f"/articles/{article.pk}/")  # Django renders; its answer is kept
    django_requests = []
    signals.request_started.connect(receiver := lambda **kwargs: django_requests.append(1), weak=False)
    try:
        second = wsgi.get(f"/articles/{article.pk}/")
    finally:
        signals.request_started.disconnect(receiver)
    assert django_requests == []  # answered before Django's handler
    assert second.content == first.content and b"Fast headline" in second.content
    for name in ("Content-Security-Policy", "Cache-Control", "ETag", "Last-Modified", "X-Frame-Options"):
        assert second.headers[name] == first.headers[name]


def test_the_fast_path_answers_304_to_the_pages_etag(wsgi):
    article = make_article(make_source(), "Headline")
    etag = wsgi.get(f"/articles/{article.pk}/").headers["ETag"]
    again = wsgi.get(f"/articles/{article.pk}/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["ETag"] == etag and again.headers["Cache-Control"].startswith("public")


def test_the_fast_path_shows_a_new_article_in_the_rail_at_once(wsgi):
    source = make_source()
    article = make_article(source, "Older", published=BASE_TIME)
    wsgi.get(f"/articles/{article.pk}/")
    wsgi.get(f"/articles/{article.pk}/")
    store_extracted(
        source, "http://127.0.0.1:9/new", extracted("Just stored", BASE_TIME + timedelta(hours=1))
    )
    assert b"Just stored" in wsgi.get(f"/articles/{article.pk}/").content


def test_a_logged_in_reader_goes_through_django_and_sees_their_own_page(wsgi):
    article = make_article(make_source(), "Headline")
    wsgi.get(f"/articles/{article.pk}/")
    wsgi.get(f"/articles/{article.pk}/")
    session = client_for(make_user("analyst2", "analyst")).cookies["sessionid"].value
    mine = wsgi.get(f"/articles/{article.pk}/", cookies={"sessionid": session})
    assert b"analyst2" in mine.content and mine.headers["Cache-Control"] == "private, no-store"
    assert b"analyst2" not in wsgi.get(f"/articles/{article.pk}/").content


def test_private_mode_is_never_answered_by_the_fast_path(wsgi, settings):
    article = make_article(make_source(), "Secret headline")
    wsgi.get(f"/articles/{article.pk}/")  # cached while public
    settings.WIREWATCH_PRIVATE = True
    answer = wsgi.get(f"/articles/{article.pk}/")
    assert answer.status_code == 302 and b"Secret headline" not in answer.content


def test_a_host_django_refuses_is_refused_on_the_fast_path_too(wsgi):
    article = make_article(make_source(), "Headline")
    wsgi.get(f"/articles/{article.pk}/")
    assert wsgi.get(f"/articles/{article.pk}/", headers={"Host": "evil.example"}).status_code == 400


@pytest.mark.parametrize("path", ["/articles/99999999999999999999999/", "/articles/0/", "/articles/12345/"])
def test_unknown_or_absurd_article_ids_get_django_s_404(wsgi, path):
    assert wsgi.get(path).status_code == 404
