"""Rendered-page cache with single-flight rendering: a burst on a cold page renders it once.

Two levels, both reached only through ``django.core.cache.caches`` so that scale-out mode can point them at Redis:
``local`` (per process, no I/O) in front of ``default`` (shared by every worker: files under the data directory
in single-machine mode). Keys carry the markers of what the page shows (versions, the rail's members), so a
change makes a new key and nothing has to be deleted: stale entries simply expire.

Coalescing needs a lock every worker process sees. Django's file and local-memory caches have no atomic ``add``
across processes, so in single-machine mode the lock is ``fcntl.flock`` on a file under the data directory
(flock locks belong to the open file description, so two threads of one process exclude each other as well);
with a shared cache server (Redis) the lock is an atomic ``cache.add`` with a short wait-and-recheck loop.

The shared level is an optimisation, never a reason to fail a page: while it is unavailable (Redis refusing,
hanging past WIREWATCH_REDIS_CACHE_TIMEOUT, out of memory; the cache directory's disk full) pages are rendered
without it (the local level still works), with one warning per outage and process, not one per request.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import redis
from django.conf import settings
from django.core.cache import BaseCache, caches

log = logging.getLogger(__name__)
PAGE_TIMEOUT = (
    600  # seconds: keys change with the content, this only bounds memory and admin edits to sources
)
LOCK_TIMEOUT = 10.0  # a render that takes longer than this is broken; waiters then render themselves
MISSING = _MISSING = object()  # a cached value may be None: absence needs its own marker
# How many times each key was rendered in this process: what the coalescing tests count.
RENDERS: Counter[str] = Counter()
_FILE_BACKENDS = ("FileCache", "FileBasedCache", "LocMemCache")
# The shared level is away, not broken: Redis refused, reset, timed out or refused a write (OOM); a file error.
SHARED_ERRORS = (redis.exceptions.RedisError, OSError)
# Seconds a process leaves an unavailable shared level alone before one request tries it again. Each try of a
# Redis that hangs costs that request up to WIREWATCH_REDIS_CACHE_TIMEOUT, so tries are rare; 10 s is also
# how soon pages are cached again once Redis is back.
RETRY_SHARED = 10.0


class SharedLevel:
    """``caches["default"]`` behind an outage switch, one per process (thread-safe).

    A call that fails with one of SHARED_ERRORS returns the caller's fallback instead, and opens the switch:
    for RETRY_SHARED seconds the calls skip the cache (no request waits on a Redis that hangs), then a single
    call tries it again while the others keep skipping. One warning when an outage starts, one when it ends."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._next_try = 0.0

    @property
    def available(self) -> bool:
        return self._down_since is None

    def call(self, operation: Callable[[BaseCache], Any], fallback: Any = None) -> Any:
        """``operation(caches["default"])``, or ``fallback`` while the shared level is unavailable."""
        if not self._may_try():
            return fallback
        try:
            result = operation(caches["default"])
        except SHARED_ERRORS as exc:
            self._failed(exc)
            return fallback
        if self._down_since is not None:
            self._answered()
        return result

    def reset(self) -> None:
        """Forget any outage (tests, which point the cache somewhere else)."""
        with self._lock:
            self._down_since, self._next_try = None, 0.0

    def _may_try(self) -> bool:
        if self._down_since is None:  # the common case, without taking the lock
            return True
        with self._lock:
            now = time.monotonic()
            if self._down_since is None or now >= self._next_try:
                self._next_try = now + RETRY_SHARED  # this caller tries; the others skip meanwhile
                return True
            return False

    def _failed(self, exc: Exception) -> None:
        with self._lock:
            self._next_try = time.monotonic() + RETRY_SHARED
            if self._down_since is not None:
                return
            self._down_since = time.monotonic()
        log.warning(
            "shared cache unavailable (%s: %s): pages are rendered without it; trying it again every %g s",
            type(exc).__name__,
            exc,
            RETRY_SHARED,
        )

    def _answered(self) -> None:
        with self._lock:
            since, self._down_since = self._down_since, None
        if since is not None:
            log.warning("shared cache back after %.0f s", time.monotonic() - since)


shared = SharedLevel()


def key_for(kind: str, *parts: object) -> str:
    """A bounded cache key: markers can be long (the rail's members), so they are hashed."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f"ww:{kind}:{digest}"


def get(key: str) -> Any:
    """The cached value from the local level, else the shared one (copied to local), else ``_MISSING``."""
    local = caches["local"]
    value = local.get(key, _MISSING)
    if value is _MISSING:
        value = shared.call(lambda cache: cache.get(key, _MISSING), _MISSING)
        if value is not _MISSING:
            local.set(key, value, PAGE_TIMEOUT)
    return value


def put(key: str, value: Any, timeout: int = PAGE_TIMEOUT) -> None:
    shared.call(lambda cache: cache.set(key, value, timeout))
    caches["local"].set(key, value, timeout)


def get_or_render(key: str, render: Callable[[], Any], timeout: int = PAGE_TIMEOUT) -> Any:
    """The cached value for ``key``; on a miss, one caller renders while the others wait for its result."""
    value = get(key)
    if value is not _MISSING:
        return value
    if _caching_off():
        return render()
    with single_flight(key):
        value = get(key)  # rendered by whoever held the lock before us
        if value is _MISSING:
            value = render()
            RENDERS[key] += 1
            put(key, value, timeout)
    return value


def _caching_off() -> bool:
    return settings.CACHES["default"]["BACKEND"].endswith("DummyCache")


def _shared_lock_backend() -> bool:
    backend = settings.CACHES["default"]["BACKEND"]
    return not backend.endswith(_FILE_BACKENDS)


@contextmanager
def single_flight(key: str) -> Iterator[None]:
    if not _shared_lock_backend():
        with _file_lock(key):
            yield
    elif shared.available:
        with _cache_lock(key):
            yield
    else:  # the lock would live in the shared cache, which is away: each process renders for itself
        yield


@contextmanager
def _file_lock(key: str) -> Iterator[None]:
    directory = Path(settings.DATA_DIR) / "locks"
    directory.mkdir(exist_ok=True)
    # One lock file per key hash bucket: bounded file count, rare false sharing only costs a short wait.
    bucket = int(hashlib.blake2b(key.encode(), digest_size=2).hexdigest(), 16) % 256
    fd = os.open(directory / f"render-{bucket:03d}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        _flock_with_deadline(fd)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _flock_with_deadline(fd: int) -> None:
    """Wait for the lock up to LOCK_TIMEOUT; past it, go on without (render ourselves rather than hang)."""
    deadline = time.monotonic() + LOCK_TIMEOUT
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                return
            time.sleep(0.002)


@contextmanager
def _cache_lock(key: str) -> Iterator[None]:
    lock_key = f"{key}:lock"
    deadline = time.monotonic() + LOCK_TIMEOUT

    def take() -> bool:  # False too when the shared cache fails: the loop below then stops waiting
        return shared.call(lambda cache: cache.add(lock_key, os.getpid(), int(LOCK_TIMEOUT) + 1), False)

    held = take()
    while not held and shared.available and time.monotonic() < deadline:
        time.sleep(0.005)
        if get(key) is not _MISSING:
            break  # the holder finished: the caller's recheck finds the value
        held = take()
    try:
        yield
    finally:
        if held:
            shared.call(lambda cache: cache.delete(lock_key))
