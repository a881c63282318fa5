"""When to ask a throttling host again: Retry-After (RFC 9110 §10.2.3) or exponential backoff."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# A server saying "come back in a year" is treated as "a day": the watcher re-plans long before that.
MAX_RETRY_AFTER = 86400.0


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delay-seconds or HTTP-date); None if absent or malformed."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110 §5.6.7: HTTP-dates are GMT
        when = when.replace(tzinfo=UTC)
    seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(0.0, seconds), MAX_RETRY_AFTER)


def backoff(attempt: int) -> float:
    """1 s, 2 s, 4 s... for retries 0, 1, 2 when the server gave no Retry-After."""
    return float(2**attempt)
