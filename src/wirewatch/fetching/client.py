"""The polite HTTP client every stage uses: one request per host at a time, delays, robots.txt, Retry-After,
conditional GET, capped bodies, a Fetch row and a WARC record for every attempt.

Redirects are followed here, not by httpx, so that each hop waits its turn at its host, is checked against
robots.txt, and is recorded as an attempt of its own.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cached_property

import httpx
from django.conf import settings

from wirewatch.fetching.body import BadEncoding, BodyTooLarge, DeadlineExceeded, read_capped
from wirewatch.fetching.deadline import Deadline
from wirewatch.fetching.decoding import decode_body
from wirewatch.fetching.guard import InternalAddressRefused, check_address, guarded_transport
from wirewatch.fetching.limiter import HostBlocked, HostLimiter
from wirewatch.fetching.records import Attempt, mark_failed, record_attempt
from wirewatch.fetching.retry import backoff, parse_retry_after
from wirewatch.fetching.robots import RobotsAnswer, RobotsCache, RobotsFetcher
from wirewatch.fetching.warc import WarcLocation, WarcWriter, build_exchange

logger = logging.getLogger(__name__)

THROTTLE_STATUSES = frozenset({429, 503})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_RETRIES = 2
# A host name as httpx gives it (IDNA-encoded), or an IP literal. httpx percent-encodes other characters in the
# host ("exa mple.com" -> "exa%20mple.com") and would send that to DNS.
_HOST = re.compile(rb"[A-Za-z0-9_.-]+|[0-9A-Fa-f:.]+")


@dataclass(frozen=True)
class Response:
    url: str  # requested URL
    final_url: str  # after redirects
    status: int
    headers: httpx.Headers
    body: bytes  # de-chunked, Content-Encoding removed
    fetched_at: datetime  # aware UTC
    fetch_id: int | None  # the fetching.models.Fetch row recorded for this attempt
    warc_record_id: str  # WARC-Record-ID of the response record ("" if WARC is off)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @cached_property
    def text(self) -> str:
        return decode_body(self.body, self.headers.get("content-type"))


class FetchError(Exception):
    """A fetch that gave no usable HTTP answer. ``kind`` is one of: invalid-url, blocked (an internal address,
    fetching/guard.py), robots, timeout, connection, too-large, redirects, throttled."""

    def __init__(
        self,
        kind: str,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        fetch_id: int | None = None,
    ) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message
        self.status = status
        self.retry_after = retry_after
        self.fetch_id = fetch_id


@dataclass(frozen=True)
class _Call:
    """One get(): what every attempt it makes shares."""

    delay: float
    purpose: str
    source_id: int | None
    headers: dict[str, str]


class _Failed(Exception):
    def __init__(self, kind: str, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.kind, self.message, self.status = kind, message, status


def _now() -> datetime:
    return datetime.now(UTC)


def _ms_since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _resolve(base: str, location: str) -> str:
    """An absolute URL for a Location header (RFC 9110 §10.2.2 allows relative references)."""
    try:
        return str(httpx.URL(base).join(location.strip()))
    except (httpx.InvalidURL, ValueError):
        return location  # _validate then refuses it as an invalid URL, with a Fetch row saying so


def _points_to(url: str, http: httpx.Response) -> str:
    """Where an attempt led: the resolved Location of a redirect, else the URL itself."""
    location = http.headers.get("location")
    return _resolve(url, location) if http.status_code in REDIRECT_STATUSES and location else url


def _host_key(url: httpx.URL) -> str:
    return f"{url.host}:{url.port or (443 if url.scheme == 'https' else 80)}"


def _server_ip(response: httpx.Response) -> str | None:
    try:
        return response.extensions["network_stream"].get_extra_info("server_addr")[0]
    except (KeyError, TypeError, IndexError, AttributeError, OSError):
        return None


class PoliteClient:
    """Thread-safe; share one per process so that the per-host limits hold across all watcher threads."""

    def __init__(
        self,
        *,
        user_agent: str | None = None,
        timeout: float | None = None,
        max_bytes: int | None = None,
        max_redirects: int | None = None,
        max_retry_wait: float | None = None,
        warc: WarcWriter | None = None,
        obey_robots: bool = True,
        limiter: HostLimiter | None = None,
    ) -> None:
        conf = settings.WIREWATCH
        self.user_agent = user_agent or conf["USER_AGENT"]
        self.timeout = timeout if timeout is not None else conf["TIMEOUT"]
        self.max_bytes = max_bytes if max_bytes is not None else conf["MAX_BODY_BYTES"]
        self.max_redirects = max_redirects if max_redirects is not None else conf["MAX_REDIRECTS"]
        self.max_retry_wait = max_retry_wait if max_retry_wait is not None else conf["MAX_RETRY_WAIT"]
        self.warc = warc
        # In-process by default; scale-out mode passes one shared through Redis (wirewatch/scale/limiter.py).
        self.limiter = limiter if limiter is not None else HostLimiter()
        self.robots = RobotsCache(self.user_agent) if obey_robots else None
        # We only ask for encodings body.py can inflate with a cap (no br/zstd, whose decoders have none).
        headers = {"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"}
        # No idle connections: the deadline watchdog needs each request's own socket (see deadline.py), and
        # with seconds between requests to a host, a kept-alive connection would rarely be reused anyway.
        limits = httpx.Limits(max_keepalive_connections=0)
        self._http = httpx.Client(
            follow_redirects=False,
            timeout=httpx.Timeout(self.timeout),
            headers=headers,
            transport=guarded_transport(
                limits
            ),  # every connection, every redirect hop: public addresses only
        )

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def get(
        self,
        url: str,
        *,
        delay: float,
        purpose: str,
        source_id: int | None = None,
        etag: str = "",
        last_modified: str = "",
    ) -> Response:
        """GET ``url`` politely. Returns a Response for any final HTTP status; raises FetchError otherwise."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._get(url, _Call(max(0.0, delay), purpose, source_id, headers), check_robots=True)

    # -- redirects, robots, the host slot and retries -------------------------------------------------------

    def _get(self, url: str, call: _Call, *, check_robots: bool) -> Response:
        current = url
        for _hop in range(self.max_redirects + 1):
            response = self._get_one(current, call, check_robots)
            target = self._redirect_target(response)
            if target is None:
                return replace(response, url=url)
            current = target
        message = f"more than {self.max_redirects} redirects from {url} (last to {current})"
        raise self._fail_attempt(response, "redirects", message)

    def _redirect_target(self, response: Response) -> str | None:
        if response.status not in REDIRECT_STATUSES or not response.headers.get("location"):
            return None
        return _resolve(response.final_url, response.headers["location"])

    def _get_one(self, url: str, call: _Call, check_robots: bool) -> Response:
        parsed = self._validate(url, call)
        if (
            check_robots
            and self.robots is not None
            and not self.robots.allowed(url, self._robots_fetcher(call))
        ):
            raise self._fail(url, call, "robots", f"robots.txt disallows {self.user_agent!r}")
        key = _host_key(parsed)
        try:
            with self.limiter.slot(key, call.delay, self.max_retry_wait):
                return self._with_retries(url, key, call)
        except HostBlocked as blocked:
            raise self._fail(url, call, "throttled", str(blocked), retry_after=blocked.seconds) from None

    def _validate(self, url: str, call: _Call) -> httpx.URL:
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, TypeError, ValueError) as error:
            raise self._fail(str(url), call, "invalid-url", str(error)) from None
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise self._fail(url, call, "invalid-url", "only absolute http and https URLs can be fetched")
        if not _HOST.fullmatch(parsed.raw_host) or b".." in parsed.raw_host:
            raise self._fail(url, call, "invalid-url", f"bad host name {parsed.host!r}")
        self._refuse_internal_literal(parsed, url, call)
        return parsed

    def _refuse_internal_literal(self, parsed: httpx.URL, url: str, call: _Call) -> None:
        """An IP literal is refused before robots.txt is asked; names are checked when connecting."""
        try:
            check_address(parsed.host)
        except ValueError:  # a name, not an address
            return
        except InternalAddressRefused as refused:
            raise self._fail(url, call, "blocked", str(refused)) from None

    def _with_retries(self, url: str, key: str, call: _Call) -> Response:
        """Attempt, and on 429/503 wait (holding the host's slot, so nobody else hits it) and try again."""
        for attempt in range(MAX_RETRIES + 1):
            response = self._attempt(url, call)
            if response.status not in THROTTLE_STATUSES:
                return response
            wait = parse_retry_after(response.headers.get("retry-after"))
            wait = backoff(attempt) if wait is None else wait
            if attempt == MAX_RETRIES or wait > self.max_retry_wait:
                self.limiter.block(key, wait)
                message = f"HTTP {response.status} from {key}; asked to wait {wait:.0f} s"
                raise self._fail_attempt(response, "throttled", message, retry_after=wait)
            time.sleep(max(wait, call.delay))
        raise AssertionError("unreachable")  # the loop returns or raises

    def _robots_fetcher(self, call: _Call) -> RobotsFetcher:
        robots_call = _Call(call.delay, "robots", call.source_id, {})

        def fetch(robots_url: str) -> RobotsAnswer:
            try:
                response = self._get(robots_url, robots_call, check_robots=False)
            except FetchError:
                return RobotsAnswer(None)
            return RobotsAnswer(response.status, response.body)

        return fetch

    # -- one attempt over the wire --------------------------------------------------------------------------

    def _attempt(self, url: str, call: _Call) -> Response:
        fetched_at, started = _now(), time.monotonic()
        try:
            http, body, ip = self._exchange(url, call)
        except _Failed as failed:
            raise self._failed_attempt(url, call, failed, fetched_at, started) from None
        elapsed_ms = _ms_since(started)  # the exchange only, not our bookkeeping
        stored = self._warc_exchange(url, http, body, fetched_at, ip)
        attempt = Attempt(url, call.purpose, call.source_id, fetched_at, final_url=_points_to(url, http),
                          status_code=http.status_code, elapsed_ms=elapsed_ms, body_bytes=len(body),
                          warc=stored)  # fmt: skip
        fetch_id = record_attempt(attempt)
        record_id = stored.record_id if stored else ""
        return Response(url, url, http.status_code, http.headers, body, fetched_at, fetch_id, record_id)

    def _failed_attempt(
        self, url: str, call: _Call, failed: _Failed, fetched_at: datetime, started: float
    ) -> FetchError:
        error, elapsed_ms = f"{failed.kind}: {failed.message}", _ms_since(started)
        stored = self._warc_failure(url, error, fetched_at)
        attempt = Attempt(url, call.purpose, call.source_id, fetched_at, status_code=failed.status, error=error,
                          elapsed_ms=elapsed_ms, warc=stored)  # fmt: skip
        return FetchError(failed.kind, failed.message, status=failed.status, fetch_id=record_attempt(attempt))

    def _exchange(self, url: str, call: _Call) -> tuple[httpx.Response, bytes, str | None]:
        """Send the request and read the capped body; every failure becomes _Failed with its kind."""
        with Deadline(self.timeout) as deadline:
            try:
                return self._stream(url, call, deadline)
            except (DeadlineExceeded, httpx.TimeoutException) as error:
                raise _Failed("timeout", f"no complete answer within {self.timeout} s ({error})") from None
            except httpx.InvalidURL as error:
                raise _Failed("invalid-url", str(error)) from None
            except InternalAddressRefused as refused:
                raise _Failed("blocked", str(refused)) from None
            except (httpx.HTTPError, BadEncoding, OSError) as error:
                if deadline.expired:
                    raise _Failed("timeout", f"no complete answer within {self.timeout} s") from None
                raise _Failed("connection", f"{type(error).__name__}: {error}") from None

    def _stream(self, url: str, call: _Call, deadline: Deadline) -> tuple[httpx.Response, bytes, str | None]:
        extensions = {"trace": deadline.trace}
        with self._http.stream("GET", url, headers=call.headers, extensions=extensions) as http:
            ip = _server_ip(http)  # while the connection is open
            try:
                return http, read_capped(http, self.max_bytes, deadline.expires_at), ip
            except BodyTooLarge as error:
                raise _Failed("too-large", str(error), http.status_code) from None

    # -- records --------------------------------------------------------------------------------------------

    def _warc_exchange(
        self, url: str, http: httpx.Response, body: bytes, at: datetime, ip: str | None
    ) -> WarcLocation | None:
        if self.warc is None:
            return None
        try:
            return self.warc.append(build_exchange(url, http.request.headers, http.status_code, http.reason_phrase,
                                                   http.headers, body, at, ip=ip))  # fmt: skip
        except OSError:  # a full disk must not stop the watch; the Fetch row still says what happened
            logger.exception("could not write the WARC record for %s", url)
            return None

    def _warc_failure(self, url: str, error: str, at: datetime) -> WarcLocation | None:
        if self.warc is None:
            return None
        try:
            return self.warc.write_failure(url, error, at)
        except OSError:
            logger.exception("could not write the WARC failure record for %s", url)
            return None

    def _fail(self, url: str, call: _Call, kind: str, message: str, **extra: float | None) -> FetchError:
        """A FetchError for a refusal made before any request (bad URL, robots, known ban), with its row."""
        attempt = Attempt(url, call.purpose, call.source_id, _now(), error=f"{kind}: {message}")
        return FetchError(kind, message, fetch_id=record_attempt(attempt), **extra)

    def _fail_attempt(self, response: Response, kind: str, message: str, **extra: float | None) -> FetchError:
        """A FetchError for an answer we cannot use (throttled, redirect limit): marks that attempt's row."""
        if response.fetch_id is not None:
            mark_failed(response.fetch_id, f"{kind}: {message}")
        return FetchError(kind, message, status=response.status, fetch_id=response.fetch_id, **extra)
