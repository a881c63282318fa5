"""robots.txt, per host, cached for an hour (RFC 9309, https://www.rfc-editor.org/rfc/rfc9309).

Parsing and matching use the standard library's urllib.robotparser. Fetching is the client's job (through the
same per-host limiter as every other request); this module only decides what an answer means and caches it:
- 2xx: the rules, for an hour (RFC 9309 §2.4 asks for no more than 24 h; an hour picks up changes sooner).
- 4xx (incl. 404): "unavailable", allow everything (RFC 9309 §2.3.1.3).
- 5xx or no answer: allow, but ask again in a few minutes. RFC 9309 §2.3.1.4 says to assume "disallow all" on
  server errors; we do not, because these sources are often down for hours while their pages still answer,
  and our request rate is already one at a time with a delay. This is a project decision (see the report).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.robotparser import RobotFileParser

import httpx

RULES_TTL = 3600.0
RETRY_TTL = 300.0
# RFC 9309 §2.5: crawlers must parse at least 500 KiB; anything after that may be ignored.
MAX_ROBOTS_BYTES = 512 * 1024


@dataclass(frozen=True)
class RobotsAnswer:
    """What fetching /robots.txt gave: an HTTP status and body, or None if the fetch failed."""

    status: int | None
    body: bytes = b""


RobotsFetcher = Callable[[str], RobotsAnswer]  # robots.txt URL -> answer


def robots_url(url: str) -> str:
    parsed = httpx.URL(url)
    return str(parsed.copy_with(path="/robots.txt", query=None, fragment=None))


def _parser(answer: RobotsAnswer) -> tuple[RobotFileParser, float]:
    parser = RobotFileParser()
    status = answer.status
    if status is not None and 200 <= status < 300:
        text = answer.body[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace")
        parser.parse(text.splitlines())
        return parser, RULES_TTL
    parser.parse([])  # no rules: allow all (parse() also marks the parser as read, else it denies everything)
    ttl = RULES_TTL if status is not None and 400 <= status < 500 else RETRY_TTL
    return parser, ttl


class RobotsCache:
    """Answers "may we fetch this URL?" for one user agent, fetching each host's robots.txt once per TTL."""

    def __init__(self, user_agent: str, clock: Callable[[], float] = time.monotonic):
        self.user_agent = user_agent
        self._clock = clock
        self._entries: dict[str, tuple[RobotFileParser, float]] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def allowed(self, url: str, fetch: RobotsFetcher) -> bool:
        """True if our user agent may fetch ``url``; calls ``fetch`` for robots.txt if not cached (once per host)."""
        parser = self._parser_for(robots_url(url), fetch)
        return parser.can_fetch(self.user_agent, url)

    def _parser_for(self, key: str, fetch: RobotsFetcher) -> RobotFileParser:
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:  # one fetch per host; other threads wait for its answer
            entry = self._entries.get(key)
            if entry is None or entry[1] <= self._clock():
                parser, ttl = _parser(fetch(key))
                entry = (parser, self._clock() + ttl)
                self._entries[key] = entry
            return entry[0]
