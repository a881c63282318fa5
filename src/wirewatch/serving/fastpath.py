"""The anonymous article page straight from the page cache, in front of Django: near-static serving.

Profiling a cached article page under wrk showed most of its time in Django's request machinery (middleware,
URL resolving, ORM query building) rather than in the three marker queries. This WSGI wrapper answers the one
page that most traffic hits — ``GET /articles/<id>/`` from someone anonymous — from the complete response
(status, every header Django set, body) that Django produced for the same markers, so security headers,
Cache-Control and ETag are exactly Django's. Anything else, or anything in doubt, goes to Django: a session
or CSRF-bearing cookie, an Authorization header, a query string, private mode, a Host Django would refuse.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.utils.http import parse_etags

from wirewatch.serving import cache
from wirewatch.serving.markers import ArticleMarkers, article_markers

_ARTICLE_PATH = re.compile(r"^/articles/([1-9][0-9]{0,17})/$")
# Headers a 304 carries (RFC 9110 section 15.4.5): the validators and what a cache needs to keep using its copy.
_NOT_MODIFIED_HEADERS = {
    "cache-control",
    "content-location",
    "date",
    "etag",
    "expires",
    "last-modified",
    "vary",
}
_MISSING = cache.MISSING


class FastPath:
    def __init__(self, app: Callable) -> None:
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        markers = _markers(environ)
        if markers is None:
            return self.app(environ, start_response)
        entry = cache.get(_key(markers))
        if entry is _MISSING:
            return self._through_django(environ, start_response, markers)
        status, headers, body = entry
        if markers.etag in parse_etags(environ.get("HTTP_IF_NONE_MATCH", "")):
            start_response("304 Not Modified", [h for h in headers if h[0].lower() in _NOT_MODIFIED_HEADERS])
            return [b""]
        start_response(status, headers)
        return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def _through_django(self, environ: dict, start_response: Callable, markers: ArticleMarkers):
        """Let Django answer, and keep its complete answer when it is the shared page for these markers."""
        seen: dict = {}

        def capture(status: str, headers: list, exc_info=None):
            seen.update(status=status, headers=headers)
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        result = self.app(environ, capture)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        if _shareable(seen, markers, environ):
            cache.put(_key(markers), (seen["status"], list(seen["headers"]), body))
        return [body]


def _markers(environ: dict) -> ArticleMarkers | None:
    pk = eligible(environ)
    if pk is None:
        return None
    try:
        return article_markers(pk)
    except Exception:  # the database in trouble: Django's error handling (and its stale copies) answer
        return None


def _key(markers: ArticleMarkers) -> str:
    return markers.key + ":wsgi"


def _shareable(seen: dict, markers: ArticleMarkers, environ: dict) -> bool:
    headers = {name.lower(): value for name, value in seen.get("headers", [])}
    return (
        environ["REQUEST_METHOD"] == "GET"
        and seen.get("status", "").startswith("200")
        and headers.get("etag") == markers.etag
        and headers.get("cache-control", "").startswith("public")
        and "set-cookie" not in headers
    )


def eligible(environ: dict) -> int | None:
    """The article id when this request may get the shared page without Django looking at it, else None."""
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or environ.get("QUERY_STRING"):
        return None
    match = _ARTICLE_PATH.match(environ.get("PATH_INFO", ""))
    if match is None or settings.WIREWATCH_PRIVATE or "HTTP_AUTHORIZATION" in environ:
        return None
    if settings.SESSION_COOKIE_NAME in environ.get("HTTP_COOKIE", ""):
        return None  # perhaps logged in: Django decides
    host = split_domain_port(environ.get("HTTP_HOST") or environ.get("SERVER_NAME", ""))[0]
    if not host or not validate_host(host, settings.ALLOWED_HOSTS):
        return None
    return int(match.group(1))
