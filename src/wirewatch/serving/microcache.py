"""A per-process micro-cache of complete anonymous answers, in front of everything else in the WSGI app.

Profiling under wrk showed each cached page still paying for Python work per request: three marker queries
(serving/markers.py), unpickling the 30 KB body from the local cache, Django's machinery for every page but the
article page. Granian answers a trivial WSGI app at ~90% of nginx's static rate on this machine, so the cost
is ours. This layer keeps Django's complete answer (status, every header, body) in a plain dict for
``WIREWATCH_MICROCACHE_SECONDS`` (default 0.5 s) and serves it with no query and no copy. Past that TTL the
entry is still served while a background thread asks the app again, but never once its data is
``MAX_AGE_SECONDS`` old: a new article shows in every affected "More From" rail within 0.9 s plus one render,
which keeps the 1-second freshness promise (docs/performance.md) without re-rendering anything ahead of time.
Behind it the marker-keyed page cache (fast path, serving/cache.py) stays the shared level and the ETag source.

Only anonymous GET/HEAD requests are looked up (no session cookie, no Authorization, no ``token=``, not
private mode); only answers that a shared cache could keep are stored (RFC 9111 section 3: 200, public, no
Set-Cookie, no ``private``/``no-store``/``no-cache``, a Content-Length). The key is scheme, Host, path, query
string and the request headers a response may vary on; an answer that varies on any other header is not
stored. A Host Django refuses is never stored (it is a 400), so it can never be answered from here.
"""

from __future__ import annotations

import functools
import io
import logging
import queue
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils.http import parse_etags

from wirewatch.accounts import limits
from wirewatch.accounts.middleware import is_machine_path
from wirewatch.api.auth import PERIOD_SECONDS
from wirewatch.serving.ratecount import BatchedCounter

log = logging.getLogger(__name__)

# Request headers in the key, by the response header name that Vary would use (RFC 9110 section 12.5.5).
KEYED_HEADERS = {"cookie": "HTTP_COOKIE", "accept-encoding": "HTTP_ACCEPT_ENCODING"}
# Headers a 304 carries (RFC 9110 section 15.4.5).
NOT_MODIFIED_HEADERS = frozenset(
    ("cache-control", "content-location", "date", "etag", "expires", "last-modified", "vary")
)
RATE_HEADERS = frozenset(("x-ratelimit-limit", "x-ratelimit-remaining"))
# No answer is served from data older than this (its TTL, then while a refresh runs): under the 1-second
# freshness promise. Past it, the request waits for the app like any miss.
MAX_AGE_SECONDS = 0.9
SWITCH_INTERVAL = 0.0005  # seconds: see Refresher.submit
ENTRY_OVERHEAD = 256  # bytes of Python objects per entry, beyond its body and header strings
# Preconditions whose answer Django decides (If-Modified-Since alone: RFC 9110 section 13.2.2 lets
# If-None-Match, which we evaluate, take precedence over it).
_DJANGO_PRECONDITIONS = ("HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE", "HTTP_RANGE")


@dataclass(slots=True)
class Entry:
    status: str
    headers: list[tuple[str, str]]
    body: bytes
    etag: str | None
    limited: bool  # an API/feed path: every hit counts against the client's rate limit
    read_at: float  # time.monotonic() when the app began making it: how old its data may be
    size: int


class Refresher:
    """One daemon thread per process asking the app again for entries past their TTL, one request per key at a
    time. A thread of its own, not one per refresh: Django keeps a database connection per thread."""

    def __init__(self, refresh: Callable[[tuple, dict], None]) -> None:
        self._refresh = refresh
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._claimed: set[tuple] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def claim(self, key: tuple) -> bool:
        """Whether the caller should submit a refresh of ``key`` (none is queued or running)."""
        with self._lock:
            if key in self._claimed:
                return False
            self._claimed.add(key)
            return True

    def release(self, key: tuple) -> None:
        with self._lock:
            self._claimed.discard(key)

    def submit(self, key: tuple, environ: dict) -> None:
        plain = dict(_unconditional(environ))
        plain["wsgi.input"] = io.BytesIO()
        with self._lock:
            # Started here, not in __init__: the server may import the app before forking its workers.
            if self._thread is None or not self._thread.is_alive():
                # The request thread waits for the GIL while a refresh renders: each of its hits would wait up
                # to the default 5 ms switch interval, and hits queue behind each other. 0.5 ms keeps them short.
                sys.setswitchinterval(SWITCH_INTERVAL)
                self._thread = threading.Thread(target=self._run, name="microcache-refresh", daemon=True)
                self._thread.start()
        self._queue.put((key, plain))

    def _run(self) -> None:
        while True:
            key, environ = self._queue.get()
            try:
                self._refresh(key, environ)
            except Exception:  # the entry simply ages out; the next request past its age asks the app itself
                log.exception("micro-cache refresh of %s failed", environ.get("PATH_INFO"))
            finally:
                self.release(key)


class MicroCache:
    """WSGI middleware. One instance per process; thread-safe. ``refresh_in_background``: when an entry is past
    its TTL, keep serving it (never past ``MAX_AGE_SECONDS``) while one background thread asks the app again,
    so that no reader waits for a render (a worker has one thread for requests: a render there blocks all)."""

    def __init__(self, app: Callable, refresh_in_background: bool = True) -> None:
        self.app = app
        self.counter = BatchedCounter()
        self.refresher = Refresher(self._refresh) if refresh_in_background else None
        self._entries: OrderedDict[tuple, Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        ttl = settings.WIREWATCH_MICROCACHE_SECONDS
        if ttl <= 0 or not eligible(environ):
            return self.app(environ, start_response)
        key = cache_key(environ)
        entry, stale = self._lookup(key, ttl)
        if entry is None:
            return self._fill(environ, start_response, key)
        refresh = stale and self.refresher.claim(key)
        # A refresh of an API/feed answer goes through Django's rate limit, which counts it for this client.
        rate_headers = self._count(environ, count=not refresh) if entry.limited else []
        if rate_headers is None:  # over the limit, or the count failed: Django answers (429, stale copy...)
            if refresh:
                self.refresher.release(key)
            return self.app(environ, start_response)
        if refresh:
            self.refresher.submit(key, environ)
        return _answer(entry, environ, start_response, rate_headers)

    def _lookup(self, key: tuple, ttl: float) -> tuple[Entry | None, bool]:
        """The entry for ``key`` if still usable, and whether it is past its TTL (to be refreshed)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None, False
            age = time.monotonic() - entry.read_at
            if age >= ttl and (self.refresher is None or age >= MAX_AGE_SECONDS):
                self._remove(key)
                return None, False
            self._entries.move_to_end(key)
            return entry, age >= ttl

    def _count(self, environ: dict, count: bool = True) -> list[tuple[str, str]] | None:
        """Count this hit against the client's API limit (serving/ratecount.py); its X-RateLimit headers."""
        limit = settings.WIREWATCH_API_RATE_LIMIT
        key = _client_key(environ.get("REMOTE_ADDR", ""))
        try:
            before = self.counter.admit(key, limit, PERIOD_SECONDS, count=count)
        except Exception:  # the database in trouble: Django's error handling answers
            return None
        if before is None:
            return None
        return [
            ("X-RateLimit-Limit", str(limit)),
            ("X-RateLimit-Remaining", str(max(0, int(limit - before - 1)))),
        ]

    def _fill(self, environ: dict, start_response: Callable, key: tuple) -> Iterable[bytes]:
        """Let the app answer, unconditionally (RFC 9111 section 4.3.1 lets a cache ask for the full answer to
        fill itself), keep the answer when it may be shared and fits, then answer this request from it."""
        seen: dict = {}
        result = self.app(_unconditional(environ), _capture(seen))
        body = self._read_storable(environ, seen, result)
        if body is None:
            return _pass_on(seen, result, environ, start_response)
        entry = _entry(environ, seen, body, seen["read_at"])
        self._store(key, entry)
        rate_headers = [(n, v) for n, v in seen["headers"] if n.lower() in RATE_HEADERS]
        return _answer(entry, environ, start_response, rate_headers)

    def _refresh(self, key: tuple, environ: dict) -> None:
        """On the refresher's thread: ask the app again; a new answer replaces the entry, else it ages out."""
        seen: dict = {}
        result = self.app(environ, _capture(seen))
        body = self._read_storable(environ, seen, result)
        if body is None:
            _close(result)
        else:
            self._store(key, _entry(environ, seen, body, seen["read_at"]))

    def _read_storable(self, environ: dict, seen: dict, result: Iterable[bytes]) -> bytes | None:
        """The whole body when the answer may be kept, else None (the result is left unread)."""
        length = storable_length(environ, seen, settings.WIREWATCH_MICROCACHE_BYTES // 8)
        if length is None:
            return None  # streamed on untouched: an export is never read into memory here
        try:
            body = b"".join(result)
        finally:
            _close(result)
        return body if len(body) == length else None

    def _store(self, key: tuple, entry: Entry) -> None:
        with self._lock:
            if key in self._entries:
                self._remove(key)
            self._entries[key] = entry
            self._bytes += entry.size
            budget = settings.WIREWATCH_MICROCACHE_BYTES
            while self._bytes > budget and self._entries:
                self._remove(next(iter(self._entries)))  # least recently used first

    def _remove(self, key: tuple) -> None:
        self._bytes -= self._entries.pop(key).size


@functools.lru_cache(maxsize=4096)
def _client_key(address: str) -> str:
    """The key api/auth.py client_key gives an anonymous client (only anonymous requests get here)."""
    return limits.counter_key("api-ip", address)


def eligible(environ: dict) -> bool:
    """Whether this request may be answered from the micro-cache: anonymous, a plain GET or HEAD."""
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or settings.WIREWATCH_PRIVATE:
        return False
    if "HTTP_AUTHORIZATION" in environ or settings.SESSION_COOKIE_NAME in environ.get("HTTP_COOKIE", ""):
        return False  # perhaps logged in: Django decides
    if "token=" in environ.get("QUERY_STRING", ""):
        return False  # an API token in the query (accounts/middleware.py bearer_token)
    if "HTTP_IF_MODIFIED_SINCE" in environ and "HTTP_IF_NONE_MATCH" not in environ:
        return False
    return not any(name in environ for name in _DJANGO_PRECONDITIONS)


def cache_key(environ: dict) -> tuple:
    return (
        environ.get("wsgi.url_scheme"),
        environ.get("HTTP_HOST") or environ.get("SERVER_NAME"),
        environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
        *(environ.get(name) for name in KEYED_HEADERS.values()),
    )


def storable_length(environ: dict, seen: dict, max_bytes: int) -> int | None:
    """The body length when this answer may be kept and shared (RFC 9111 section 3), else None."""
    if environ["REQUEST_METHOD"] != "GET" or not seen.get("status", "").startswith("200"):
        return None
    headers = {name.lower(): value for name, value in seen.get("headers", [])}
    if "set-cookie" in headers or "x-wirewatch-stale" in headers:
        return (
            None  # a stale copy while the database is down is Django's to serve each time (serving/faults.py)
        )
    if not _shareable(headers.get("cache-control", "")):
        return None
    vary = {v.strip().lower() for v in headers.get("vary", "").split(",") if v.strip()}
    if not vary <= KEYED_HEADERS.keys():  # includes "*"
        return None
    try:
        length = int(headers.get("content-length", ""))
    except ValueError:
        return None
    return length if 0 <= length <= max_bytes else None


def _shareable(cache_control: str) -> bool:
    directives = {}
    for part in cache_control.lower().split(","):
        name, _, value = part.strip().partition("=")
        directives[name] = value.strip('"')
    if "public" not in directives or directives.keys() & {"private", "no-store", "no-cache"}:
        return False
    return directives.get("max-age", "1") != "0" and directives.get("s-maxage", "1") != "0"


def _entry(environ: dict, seen: dict, body: bytes, read_at: float) -> Entry:
    limited = is_machine_path(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""))
    # The rate headers of the request that filled the entry are that client's: each hit gets its own.
    headers = [(name, value) for name, value in seen["headers"] if name.lower() not in RATE_HEADERS]
    etag = next((value for name, value in headers if name.lower() == "etag"), None)
    size = len(body) + sum(len(n) + len(v) for n, v in headers) + ENTRY_OVERHEAD
    return Entry(seen["status"], headers, body, etag, limited, read_at, size)


def _capture(seen: dict) -> Callable:
    """A start_response that only records (the caller answers the client itself)."""
    seen["read_at"] = time.monotonic()

    def start_response(status: str, headers: list, exc_info=None) -> Callable:
        seen.update(status=status, headers=headers)
        return lambda data: None  # Django never uses write(); WSGI requires a callable (PEP 3333)

    return start_response


def _unconditional(environ: dict) -> dict:
    if "HTTP_IF_NONE_MATCH" not in environ and "HTTP_IF_MODIFIED_SINCE" not in environ:
        return environ
    plain = dict(environ)
    plain.pop("HTTP_IF_NONE_MATCH", None)
    plain.pop("HTTP_IF_MODIFIED_SINCE", None)
    return plain


def _pass_on(seen: dict, result: Iterable[bytes], environ: dict, start_response: Callable) -> Iterable[bytes]:
    """An answer not kept: as the app gave it, or the 304 Django's ConditionalGetMiddleware would have made
    of it had it seen the request's If-None-Match."""
    headers = seen["headers"]
    etag = next((value for name, value in headers if name.lower() == "etag"), None)
    if seen["status"].startswith("200") and _matches(etag, environ):
        _close(result)
        kept = NOT_MODIFIED_HEADERS | {"set-cookie"}  # Django's 304 keeps the response's cookies too
        start_response("304 Not Modified", [h for h in headers if h[0].lower() in kept])
        return [b""]
    start_response(seen["status"], headers)
    return result


def _matches(etag: str | None, environ: dict) -> bool:
    """Weak comparison for If-None-Match (RFC 9110 section 13.1.2), as Django's ConditionalGetMiddleware."""
    if not etag or "HTTP_IF_NONE_MATCH" not in environ:
        return False
    tags = parse_etags(environ["HTTP_IF_NONE_MATCH"])
    return "*" in tags or etag.removeprefix("W/") in {t.removeprefix("W/") for t in tags}


def _close(result: Iterable[bytes]) -> None:
    if hasattr(result, "close"):
        result.close()


def _answer(entry: Entry, environ: dict, start_response: Callable, extra: list) -> Iterable[bytes]:
    if _matches(entry.etag, environ):
        start_response("304 Not Modified", [h for h in entry.headers if h[0].lower() in NOT_MODIFIED_HEADERS])
        return [b""]
    start_response(entry.status, entry.headers + extra if extra else entry.headers)
    return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [entry.body]
