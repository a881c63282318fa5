"""Counting API and feed requests that the micro-cache answers, without a database write per request.

The API limit (api/auth.py, accounts/limits.py) counts in the database so that every worker shares one count.
Answers served from the micro-cache (serving/microcache.py) must be counted too, or the cache would be a way
around the limit; but one database write per request costs more than serving the cached answer. So each
process adds up its hits in memory and writes the sum into the same ``Counter`` rows (same keys, same windows,
same sliding-window estimate as ``limits.peek``) at most every ``SYNC_SECONDS`` or after ``BATCH_SHARE`` of the
limit. Between two writes it decides with the shared count it last read plus its own unwritten hits.

The price, documented in docs/security.md: hits that another process has not written yet are unseen, so a client
spread over N workers can get up to N x batch requests past the limit per window (2% of the limit per worker:
24 of 600 with 2 workers). A request this count refuses is not answered here: it goes to Django, whose
middleware counts exactly and answers the 429 with Retry-After.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F

from wirewatch.accounts import limits
from wirewatch.accounts.models import Counter

SYNC_SECONDS = 0.1  # at most this long between two writes of a key's hits (10 small writes/s/worker at most)
BATCH_SHARE = 0.02  # ...or after this share of the limit, whichever comes first
MAX_KEYS = 10_000  # client keys a process keeps in memory; past it the idle ones are written and dropped


@dataclass
class _Tally:
    window: int = 0  # start of the window the unwritten hits belong to
    unwritten: int = 0
    shared: float = 0.0  # the database's estimate at the last write
    synced: float = -math.inf


class BatchedCounter:
    """Per-process, thread-safe. ``admit`` counts one hit and says whether it stays within the limit."""

    def __init__(self) -> None:
        self._tallies: dict[str, _Tally] = {}
        self._lock = threading.Lock()

    def admit(self, key: str, limit: int, period: int, count: bool = True) -> float | None:
        """The count before this hit when it is within ``limit`` per ``period`` (and now counted, unless
        ``count`` is false: someone else counts it), else None.

        Raises the database's error when a write or read fails: the caller then lets Django answer."""
        now = time.time()
        window = int(now // period * period)
        with self._lock:
            tally = self._tallies.get(key)
            if tally is None:
                tally = self._tallies[key] = _Tally(window=window)
                if len(self._tallies) > MAX_KEYS:
                    self._drop_idle(now)
            batch = max(1, int(limit * BATCH_SHARE))
            if now - tally.synced >= SYNC_SECONDS or tally.unwritten >= batch or tally.window != window:
                _sync(key, tally, limit, period, now)
                tally.window = window
            before = tally.shared + tally.unwritten
            if before + 1 > limit:
                return None
            tally.unwritten += 1 if count else 0
            return before

    def flush(self) -> None:
        """Write every unwritten hit now (tests; a worker that stops)."""
        with self._lock:
            for key, tally in self._tallies.items():
                _write(key, tally)

    def _drop_idle(self, now: float) -> None:
        for key, tally in list(self._tallies.items()):
            if now - tally.synced > 2 * SYNC_SECONDS:
                _write(key, tally)
                del self._tallies[key]


def _sync(key: str, tally: _Tally, limit: int, period: int, now: float) -> None:
    _write(key, tally)
    tally.shared = limits.peek(key, limit, period, now).count
    tally.synced = now


def _write(key: str, tally: _Tally) -> None:
    """Add the unwritten hits to their window's row, as ``limits.hit`` would have one by one."""
    if not tally.unwritten:
        return
    add = tally.unwritten
    with transaction.atomic():
        if not Counter.objects.filter(key=key, window=tally.window).update(count=F("count") + add):
            try:
                with transaction.atomic():
                    Counter.objects.create(key=key, window=tally.window, count=add)
            except IntegrityError:  # another worker created the row between our update and create
                Counter.objects.filter(key=key, window=tally.window).update(count=F("count") + add)
    tally.unwritten = 0
