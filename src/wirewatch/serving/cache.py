"""Rendered-page cache with single-flight rendering: a burst on a cold page renders it once.

Two levels, both reached only through ``django.core.cache.caches`` so that scale-out mode can point them at Redis:
``local`` (per process, no I/O) in front of ``default`` (shared by every worker: files under the data directory
in single-machine mode). Keys carry the markers of what the page shows (versions, the rail's members), so a
change makes a new key and nothing has to be deleted: stale entries simply expire.

Coalescing needs a lock every worker process sees. Django's file and local-memory caches have no atomic ``add``
across processes, so in single-machine mode the lock is ``fcntl.flock`` on a file under the data directory
(flock locks belong to the open file description, so two threads of one process exclude each other as well);
with a shared cache server (Redis) the lock is an atomic ``cache.add`` with a short wait-and-recheck loop.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import caches

PAGE_TIMEOUT = (
    600  # seconds: keys change with the content, this only bounds memory and admin edits to sources
)
LOCK_TIMEOUT = 10.0  # a render that takes longer than this is broken; waiters then render themselves
MISSING = _MISSING = object()  # a cached value may be None: absence needs its own marker
# How many times each key was rendered in this process: what the coalescing tests count.
RENDERS: Counter[str] = Counter()
_FILE_BACKENDS = ("FileBasedCache", "LocMemCache")


def key_for(kind: str, *parts: object) -> str:
    """A bounded cache key: markers can be long (the rail's members), so they are hashed."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f"ww:{kind}:{digest}"


def get(key: str) -> Any:
    """The cached value from the local level, else the shared one (copied to local), else ``_MISSING``."""
    local = caches["local"]
    value = local.get(key, _MISSING)
    if value is _MISSING:
        value = caches["default"].get(key, _MISSING)
        if value is not _MISSING:
            local.set(key, value, PAGE_TIMEOUT)
    return value


def put(key: str, value: Any, timeout: int = PAGE_TIMEOUT) -> None:
    caches["default"].set(key, value, timeout)
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
    if _shared_lock_backend():
        with _cache_lock(key):
            yield
    else:
        with _file_lock(key):
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
    cache = caches["default"]
    lock_key = f"{key}:lock"
    deadline = time.monotonic() + LOCK_TIMEOUT
    held = cache.add(lock_key, os.getpid(), int(LOCK_TIMEOUT) + 1)
    while not held and time.monotonic() < deadline:
        time.sleep(0.005)
        if get(key) is not _MISSING:
            break  # the holder finished: the caller's recheck finds the value
        held = cache.add(lock_key, os.getpid(), int(LOCK_TIMEOUT) + 1)
    try:
        yield
    finally:
        if held:
            cache.delete(lock_key)
