"""The fetcher's per-host politeness, shared through Redis by every worker process on every host.

Same rules as fetching/limiter.py (one request in flight per host, ``delay`` seconds from the end of one to the
start of the next, bans remembered), but the lock and the times live in Redis, so they hold across processes.
Times come from the Redis server's clock (TIME), so hosts with skewed clocks still agree on the gaps.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import redis
from django.conf import settings

from wirewatch.fetching.limiter import HostLimiter

log = logging.getLogger(__name__)
# How long a lock outlives a worker killed while holding it (kill -9 runs no `finally`). A live holder renews
# its lease every LEASE_TTL / 3 seconds, however long its request or poll takes, so the TTL can be short: a
# host (or an article, or a source's poll) is stuck for at most this long after a worker dies, not 15 minutes.
LEASE_TTL = 15
# "Set the ban only if it is later than the one stored" must be atomic: two workers may ban the same host.
_LATER_BAN = """
local old = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > old then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end
return 1
"""


def connect(url: str) -> redis.Redis:
    """A client whose every wait is bounded: connecting and each command give up after REDIS_TIMEOUT seconds
    (settings.py says why 5 s) with redis.exceptions.TimeoutError, so a Redis that hangs is an error, as one
    that refuses is. No command we send blocks on the server (the lock waits poll with short SET NX calls),
    so the timeout never cuts a legitimate wait short."""
    timeout = settings.REDIS_TIMEOUT
    return redis.Redis.from_url(
        url, socket_connect_timeout=timeout, socket_timeout=timeout, health_check_interval=30
    )


class RedisHostLimiter(HostLimiter):
    """A HostLimiter whose per-host slot is a Redis lock with a TTL, and whose clock is the Redis server's."""

    def __init__(self, client: redis.Redis, poll: float = 0.02) -> None:
        super().__init__(clock=self._redis_clock)
        self.redis = client
        self.poll = poll
        self._ban = client.register_script(_LATER_BAN)

    def _redis_clock(self) -> float:
        seconds, micros = self.redis.time()
        return seconds + micros / 1_000_000

    def _key(self, kind: str, host: str) -> str:
        return f"{settings.REDIS_PREFIX}:politeness:{kind}:{host}"

    def _stored(self, kind: str, host: str) -> float:
        value = self.redis.get(self._key(kind, host))
        return float(value) if value is not None else float("-inf")

    def blocked_for(self, host: str) -> float:
        return max(0.0, self._stored("ban", host) - self._clock())

    def block(self, host: str, seconds: float) -> None:
        until = self._clock() + seconds
        self._ban(keys=[self._key("ban", host)], args=[repr(until), int(seconds) + 60])

    @contextmanager
    def slot(self, host: str, delay: float, max_wait: float) -> Iterator[None]:
        self._fail_if_blocked(host, max_wait)
        key = self._key("lock", host)
        lock = self.redis.lock(key, timeout=LEASE_TTL, sleep=self.poll, thread_local=False)
        lock.acquire(token=uuid.uuid4().hex)
        with _leased(lock):
            self._fail_if_blocked(host, max_wait)
            start = max(self._stored("end", host) + delay, self._stored("ban", host))
            if (pause := start - self._clock()) > 0:
                time.sleep(pause)
            try:
                yield
            finally:
                # Kept a day: longer than any delay, so an idle host's key does not linger for ever.
                self.redis.set(self._key("end", host), repr(self._clock()), ex=86400)


@contextmanager
def exclusive(client: redis.Redis, name: str) -> Iterator[bool]:
    """Try to take the lock ``name`` without waiting; yields whether we hold it (renewed, released on exit)."""
    lock = client.lock(f"{settings.REDIS_PREFIX}:lock:{name}", timeout=LEASE_TTL, thread_local=False)
    if not lock.acquire(blocking=False):
        yield False
        return
    with _leased(lock):
        yield True


@contextmanager
def _leased(lock: redis.lock.Lock) -> Iterator[None]:
    """Renew the held ``lock`` every third of its TTL while the block runs (thread_local=False lets the
    renewing thread use the holder's token); release it at the end."""
    stop = threading.Event()
    renewer = threading.Thread(target=_renew, args=(lock, stop), name="lease-renewal", daemon=True)
    renewer.start()
    try:
        yield
    finally:
        stop.set()
        _release(lock)


def _renew(lock: redis.lock.Lock, stop: threading.Event) -> None:
    while not stop.wait(lock.timeout / 3):
        try:
            lock.reacquire()
        except redis.exceptions.LockError:  # expired during a stall longer than the TTL: another may hold it
            if not stop.is_set():
                log.warning(
                    "lost the lease on %s: held past its %s s TTL without renewal", lock.name, LEASE_TTL
                )
            return
        except redis.exceptions.RedisError as exc:  # Redis away for a moment: the next round tries again
            log.warning("could not renew the lease on %s: %s", lock.name, exc)


def _release(lock: redis.lock.Lock) -> None:
    """Release, unless the TTL ran out first (then it is no longer ours, and there is nothing to give back)."""
    with suppress(redis.exceptions.LockError):
        lock.release()
