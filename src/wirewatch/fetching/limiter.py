"""Per-host politeness: one request in flight per host, a pause between requests, and remembered bans.

The sources ban fast pollers for minutes at a time, so this is a hard rule, not a hint. Each host (host:port)
has its own lock; threads fetching different hosts never wait for each other. Written by hand because the
well-known rate limiters (token buckets) limit rates, not "one at a time, then a pause after the *end*".
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


class HostBlocked(Exception):
    """The host told us to stay away (429/503 Retry-After) for longer than the caller will wait."""

    def __init__(self, host: str, seconds: float) -> None:
        super().__init__(f"{host} is throttling us for another {seconds:.1f} s")
        self.host = host
        self.seconds = seconds


@dataclass
class _HostState:
    lock: threading.Lock = field(default_factory=threading.Lock)
    last_end: float = float("-inf")  # time.monotonic() when the last request to this host finished
    blocked_until: float = float("-inf")


class HostLimiter:
    """Serialises requests per host and spaces them by at least ``delay`` seconds, end to start."""

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self._hosts: dict[str, _HostState] = {}
        self._guard = threading.Lock()
        self._clock = clock
        self._sleep = sleep

    def _state(self, host: str) -> _HostState:
        with self._guard:
            return self._hosts.setdefault(host, _HostState())

    def blocked_for(self, host: str) -> float:
        """Seconds until ``host`` may be asked again after a ban (0 if not banned)."""
        return max(0.0, self._state(host).blocked_until - self._clock())

    def block(self, host: str, seconds: float) -> None:
        """Remember that ``host`` asked us to wait ``seconds`` (never shortens an existing ban)."""
        state = self._state(host)
        state.blocked_until = max(state.blocked_until, self._clock() + seconds)

    @contextmanager
    def slot(self, host: str, delay: float, max_wait: float) -> Iterator[None]:
        """Hold ``host``'s only slot: wait for it, then for the delay and any ban, then run the request.

        Raises HostBlocked at once (without queueing) if a ban outlasts ``max_wait``, and again after getting
        the slot if a ban was set while we queued.
        """
        state = self._state(host)
        self._fail_if_blocked(host, max_wait)
        with state.lock:
            self._fail_if_blocked(host, max_wait)
            start = max(state.last_end + delay, state.blocked_until)
            if (pause := start - self._clock()) > 0:
                self._sleep(pause)
            try:
                yield
            finally:
                state.last_end = self._clock()

    def _fail_if_blocked(self, host: str, max_wait: float) -> None:
        if (wait := self.blocked_for(host)) > max_wait:
            raise HostBlocked(host, wait)
