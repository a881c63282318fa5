"""Pages while the Redis page cache hangs: anonymous readers still get their page, rendered without the shared
cache, and the log says so once per outage, not once per request; once the cache answers again it is used.

The cache settings are the ones settings.py makes for ``REDIS_URL`` (read by running settings.py with that
environment), pointed at a local server that accepts and never answers (tests/scale/blackhole.py). Requests go
over real HTTP to the whole WSGI application (micro-cache, fast path, Django) with a client timeout, so a
request that hangs fails the test instead of hanging it.
"""

from __future__ import annotations

import importlib
import logging
import runpy
import threading
import time
from collections.abc import Iterator
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import httpx
import pytest
from django.conf import settings as django_settings

from tests.factories import make_article, make_source
from tests.scale.blackhole import Blackhole
from wirewatch.serving import cache
from wirewatch.serving.markers import article_markers

CACHE_TIMEOUT = "0.2"  # seconds: WIREWATCH_REDIS_CACHE_TIMEOUT in these tests
CLIENT_TIMEOUT = 20.0  # seconds: far above what a page takes; only there so that a hang fails the test
UNAVAILABLE = "shared cache unavailable"


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: object) -> None:  # no access log lines in the test output
        pass


@pytest.fixture
def site_url(transactional_db) -> Iterator[str]:
    """wirewatch.wsgi.application on a free loopback port (committed data: the server has its own threads)."""
    from wirewatch.wsgi import application

    server = make_server("127.0.0.1", 0, application, _ThreadingServer, _QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def redis_cache_settings(url: str, tmp_path, monkeypatch) -> dict:
    """settings.py's ``CACHES["default"]`` for ``REDIS_URL=url`` (run afresh: the loaded settings keep theirs)."""
    monkeypatch.setenv("REDIS_URL", url)
    monkeypatch.setenv("WIREWATCH_REDIS_CACHE_TIMEOUT", CACHE_TIMEOUT)
    monkeypatch.setenv("WIREWATCH_DATA_DIR", str(tmp_path))
    fresh = runpy.run_path(importlib.import_module(django_settings.SETTINGS_MODULE).__file__)
    return fresh["CACHES"]["default"]


@pytest.fixture
def original_cache(settings) -> dict:
    """The run's own shared cache (Redis on the scale pass, files otherwise), taken before a test replaces it."""
    return dict(settings.CACHES["default"])


@pytest.fixture
def hanging_cache(original_cache, settings, tmp_path, monkeypatch) -> Iterator[Blackhole]:
    hole = Blackhole()
    entry = redis_cache_settings(hole.url, tmp_path, monkeypatch)
    assert entry["BACKEND"].endswith("RedisCache")
    timeout = float(CACHE_TIMEOUT)  # WIREWATCH_REDIS_CACHE_TIMEOUT reaches the client's connect and reads
    assert entry["OPTIONS"] == {"socket_connect_timeout": timeout, "socket_timeout": timeout}
    settings.CACHES = {**settings.CACHES, "default": entry}
    cache.shared.reset()
    yield hole
    cache.shared.reset()  # the next test's cache answers: no outage carried over
    hole.close()


def get(url: str) -> httpx.Response:
    return httpx.get(url, timeout=CLIENT_TIMEOUT)


def outage_warnings(caplog) -> list[str]:
    messages = [record.getMessage() for record in caplog.records if record.name == "wirewatch.serving.cache"]
    return [message for message in messages if UNAVAILABLE in message]


def test_anonymous_pages_answer_while_the_redis_cache_hangs_with_one_warning(hanging_cache, site_url, caplog):
    caplog.set_level(logging.WARNING, logger="wirewatch.serving.cache")
    source = make_source()
    first, second = make_article(source, "First headline"), make_article(source, "Second headline")
    for path, text in [
        (f"/articles/{first.pk}/", b"First headline"),
        (f"/articles/{second.pk}/", b"Second headline"),
        (f"/articles/{first.pk}/", b"First headline"),
        ("/", b"Second headline"),
    ]:
        response = get(site_url + path)
        assert response.status_code == 200 and text in response.content, (path, response.status_code)
    assert hanging_cache.accepted, "the page cache never tried the (hanging) Redis"
    warnings = outage_warnings(caplog)
    assert len(warnings) == 1 and "Timeout" in warnings[0], warnings


def test_the_shared_cache_is_tried_again_and_used_once_it_answers(
    hanging_cache, original_cache, site_url, caplog, settings, monkeypatch
):
    caplog.set_level(logging.WARNING, logger="wirewatch.serving.cache")
    retry = 0.1
    monkeypatch.setattr(cache, "RETRY_SHARED", retry)
    source = make_source()
    for article in [make_article(source, f"Headline {n}") for n in range(3)]:
        time.sleep(retry * 1.5)  # past the retry delay: a new page's request tries the Redis again
        assert get(f"{site_url}/articles/{article.pk}/").status_code == 200
    assert len(hanging_cache.accepted) >= 2, "the page cache stopped trying the Redis"
    assert len(outage_warnings(caplog)) == 1
    settings.CACHES = {**settings.CACHES, "default": original_cache}  # the run's Redis, or files: it answers
    time.sleep(retry * 1.5)
    later = make_article(make_source("kcna-en", "KCNA"), "After the outage")
    assert get(f"{site_url}/articles/{later.pk}/").status_code == 200
    assert any("shared cache back after" in r.getMessage() for r in caplog.records)
    from django.core.cache import caches

    assert caches["default"].get(article_markers(later.pk).key, cache.MISSING) is not cache.MISSING
