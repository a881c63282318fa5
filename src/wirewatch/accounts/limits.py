"""Rate counters for the API (per token or IP) and for login failures (per username and IP). One module, one
algorithm: a sliding-window counter, i.e. two fixed windows with the previous one weighted by how much of it
still overlaps the sliding window (the approach Cloudflare describes for its rate limiting).

Why the database and not Django's cache: the default locmem cache is per process, so with several granian
workers each would count on its own and a client could get N times the limit. The database is the one thing
every worker shares; one small UPSERT-like write per counted request is cheap next to the request itself.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F

from wirewatch.accounts.models import Counter

KEEP_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Decision:
    allowed: bool
    count: float
    retry_after: int


def counter_key(kind: str, *parts: str) -> str:
    """A bounded key: usernames and IPs are hashed so that hostile input cannot make keys huge."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:40]
    return f"{kind}:{digest}"


def _windows(period: int, now: float) -> tuple[int, float]:
    start = int(now // period * period)
    return start, (now - start) / period


def _estimate(key: str, period: int, now: float) -> tuple[float, int]:
    start, elapsed = _windows(period, now)
    counts = dict(
        Counter.objects.filter(key=key, window__in=[start, start - period]).values_list("window", "count")
    )
    estimate = counts.get(start - period, 0) * (1 - elapsed) + counts.get(start, 0)
    return estimate, start


def peek(key: str, limit: int, period: int, now: float | None = None) -> Decision:
    """Whether one more event under ``key`` would stay within ``limit`` per ``period`` seconds."""
    now = time.time() if now is None else now
    estimate, start = _estimate(key, period, now)
    if estimate + 1 > limit:
        # Worst case: wait until the current window ends and the previous one no longer counts.
        return Decision(False, estimate, max(1, math.ceil(start + period - now)))
    return Decision(True, estimate, 0)


def _increment(key: str, start: int) -> None:
    if Counter.objects.filter(key=key, window=start).update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            Counter.objects.create(key=key, window=start, count=1)
    except IntegrityError:  # another worker created it between our update and create
        Counter.objects.filter(key=key, window=start).update(count=F("count") + 1)
        return
    Counter.objects.filter(window__lt=start - KEEP_SECONDS).delete()


def hit(key: str, limit: int, period: int, now: float | None = None) -> Decision:
    """Count one event if it is within the limit; a refused event is not counted, so clients recover."""
    now = time.time() if now is None else now
    with transaction.atomic():
        decision = peek(key, limit, period, now)
        if decision.allowed:
            _increment(key, _windows(period, now)[0])
    return decision


def reset(key: str) -> None:
    Counter.objects.filter(key=key).delete()
