"""When the database fails: readers get the last good copy of a page, or a friendly 503 with Retry-After.

Django turns any exception (in a view or a middleware) into a call of ``handler500`` while the exception is
being handled, so ``server_error`` below sees it with ``sys.exc_info()`` and can tell "the database is down"
(OperationalError, InterfaceError: refused connection, server gone, locked or unreadable file) from a bug.

Stale-if-error for our own server (RFC 5861 section 4 describes it for caches in front of us): every anonymous
GET answered 200 is remembered, by URL, in the shared cache (``caches["default"]``: files under the data dir, or
Redis in scale-out mode: neither needs the database). While the database is down those copies are served,
marked ``X-Wirewatch-Stale``. To keep the cost of remembering low, each process writes a URL's copy at most once
per ``REMEMBER_EVERY`` seconds (a note in its own memory says when it last did).
"""

from __future__ import annotations

import hashlib
import logging
import sys
import time
from collections.abc import Callable
from html import escape

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

from wirewatch.serving.cache import shared

log = logging.getLogger(__name__)

RETRY_AFTER = 30  # seconds: how long a reader should wait before trying again
REMEMBER_EVERY = 60  # seconds between two copies of one URL's page, per process
MAX_COPY_BYTES = 2 * 1024 * 1024
MAX_NOTES = 10_000  # URLs a process remembers having copied
COPY_TIMEOUT = 7 * 86400  # a week-old page still beats an error page while we are down
_KEPT_TYPES = ("text/html", "application/json", "application/rss+xml", "application/atom+xml")
DATABASE_ERRORS = (OperationalError, InterfaceError)
_last_remembered: dict[str, float] = {}

PAGE_503 = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Temporarily unavailable - Wirewatch</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/wirewatch/site.css"></head>
<body><main class="error-page"><h1>Temporarily unavailable</h1>
<p>Wirewatch cannot reach its database right now. Nothing is lost: please try again in {seconds} seconds.</p>
<p><a href="{path}">Try again</a></p></main></body></html>
"""


def _copy_key(request: HttpRequest) -> str:
    digest = hashlib.blake2b(request.get_full_path().encode("utf-8", "replace"), digest_size=16).hexdigest()
    return f"ww:lastgood:{digest}"


def _is_anonymous(request: HttpRequest) -> bool:
    from wirewatch.serving.http import is_personal

    return not is_personal(request)


def _worth_keeping(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        request.method == "GET"
        and response.status_code == 200
        and not response.streaming
        and response.get("Content-Type", "").split(";")[0] in _KEPT_TYPES
        and len(response.content) <= MAX_COPY_BYTES
    )


def remember_good_pages(get_response: Callable[[HttpRequest], HttpResponse]):
    """Keep a copy of anonymous pages that rendered fine, for ``server_error`` to serve while the DB is down."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if _worth_keeping(request, response) and _is_anonymous(request):
            key, now = _copy_key(request), time.monotonic()
            if now - _last_remembered.get(key, -REMEMBER_EVERY) >= REMEMBER_EVERY:
                if len(_last_remembered) >= MAX_NOTES:  # bounded: every search query is a URL of its own
                    _last_remembered.clear()
                _last_remembered[key] = now
                _store(key, response)
        return response

    return middleware


def _store(key: str, response: HttpResponse) -> None:
    # Through the page cache's outage switch: a full disk or a Redis away (or hanging) is one warning per outage,
    # and while it lasts no page waits on it (serving/cache.py, SharedLevel).
    copy = (response["Content-Type"], response.content)
    try:
        shared.call(lambda cache: cache.set(key, copy, COPY_TIMEOUT))
    except Exception:  # anything else must never fail the page it was copying either
        log.warning("could not keep a copy of a page for outages", exc_info=True)


def _stale_copy(request: HttpRequest) -> HttpResponse | None:
    if request.method not in ("GET", "HEAD"):
        return None
    try:
        kept = shared.call(lambda cache: cache.get(_copy_key(request)))
    except Exception:
        return None
    if not kept:
        return None
    content_type, content = kept
    response = HttpResponse(content, content_type=content_type)
    response["X-Wirewatch-Stale"] = "database unavailable"
    response["Cache-Control"] = "no-store"
    return response


def unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After (RFC 9110 section 15.6.4): JSON for the API, a static page (no template, no DB)."""
    if request.path.startswith("/api/"):
        body = {"error": "unavailable", "detail": "The database is unavailable; try again later."}
        response: HttpResponse = JsonResponse(body, status=503)
    else:
        page = PAGE_503.format(seconds=RETRY_AFTER, path=escape(request.path, quote=True))
        response = HttpResponse(page, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def database_failed(request: HttpRequest, exc: BaseException | None) -> HttpResponse | None:
    """The answer when ``exc`` is a database outage: the page's last good copy, else 503; None otherwise."""
    if not isinstance(exc, DATABASE_ERRORS):
        return None
    log.warning("database unavailable for %s: %s", request.path, exc)
    return _stale_copy(request) or unavailable(request)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: a database outage gets ``database_failed``'s answer, anything else web's error page."""
    from wirewatch.web.views.errors import server_error as error_page

    return database_failed(request, sys.exc_info()[1]) or error_page(request)
