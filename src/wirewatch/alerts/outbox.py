"""The outbox's life cycle: a row is made pending, claimed under a lease, then sent, retried or failed.

A claim is a compare-and-set on (status, locked_until), one row at a time, so two delivery processes never
hold the same row; a process killed while holding one lets its lease lapse and the row is claimed again.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from wirewatch.alerts.models import Delivery, Subscription


def config(name: str) -> float:
    return settings.WIREWATCH_ALERTS[name]


def next_digest_time(now: datetime) -> datetime:
    """The next daily digest hour (UTC) after ``now``."""
    at = datetime.combine(now.date(), time(int(config("DIGEST_HOUR_UTC"))), tzinfo=UTC)
    return at if at > now else at + timedelta(days=1)


def delivery_for(subscription: Subscription, key: str, event: str, article, payload: dict) -> Delivery:
    """An unsaved outbox row; feed-only subscriptions are delivered by being in the feed (sent at once)."""
    now = timezone.now()
    row = Delivery(subscription=subscription, key=key, event=event, article=article, payload=payload)
    if subscription.channel == Subscription.Channel.FEED:
        row.status, row.sent_at = Delivery.Status.SENT, now
    elif subscription.frequency == Subscription.Frequency.DIGEST:
        row.next_attempt_at = next_digest_time(now)
    return row


def due(now: datetime):
    return Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now).filter(
        Q(locked_until__isnull=True) | Q(locked_until__lt=now)
    )


def claim(now: datetime, limit: int = 50) -> list[Delivery]:
    """Take up to ``limit`` due rows under a lease; the attempt is counted at the claim, so a row whose
    sending kills the process still runs out of attempts."""
    lease = now + timedelta(seconds=config("LEASE_SECONDS"))
    claimed = []
    for pk in due(now).order_by("next_attempt_at", "id").values_list("id", flat=True)[:limit]:
        if due(now).filter(pk=pk).update(locked_until=lease, attempts=F("attempts") + 1):
            claimed.append(pk)
    rows = Delivery.objects.select_related("subscription__owner", "article").filter(pk__in=claimed)
    return list(rows.order_by("id"))


def mark_sent(rows: list[Delivery]) -> None:
    Delivery.objects.filter(pk__in=[row.pk for row in rows]).update(
        status=Delivery.Status.SENT, sent_at=timezone.now(), locked_until=None, last_error=""
    )


def backoff(attempts: int) -> timedelta:
    """Exponential: BACKOFF, 2×, 4×... after the 1st, 2nd, 3rd failed attempt."""
    return timedelta(seconds=config("BACKOFF_SECONDS") * 2 ** max(0, attempts - 1))


def mark_failed(rows: list[Delivery], error: str) -> None:
    now = timezone.now()
    for row in Delivery.objects.filter(pk__in=[row.pk for row in rows]):
        row.last_error, row.locked_until = error[:500], None
        if row.attempts >= config("MAX_ATTEMPTS"):
            row.status = Delivery.Status.FAILED
        else:
            row.next_attempt_at = now + backoff(row.attempts)
        row.save(update_fields=["last_error", "locked_until", "status", "next_attempt_at"])


def retry(subscription_rows) -> int:
    """Failed rows back to pending (the user asked to try again)."""
    return subscription_rows.filter(status=Delivery.Status.FAILED).update(
        status=Delivery.Status.PENDING, attempts=0, next_attempt_at=timezone.now(), locked_until=None
    )
