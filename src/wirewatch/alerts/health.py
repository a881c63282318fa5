"""Source health alerts, for admins: a source gone silent, or one whose extraction rules stopped matching.

Silent: no new article for SILENT_FACTOR × the source's usual gap (the median gap between its last 21 articles'
first sightings, never less than its poll interval). One alert per episode: the key carries the id of the
newest article, so the next alert needs a new article first.
"""

from __future__ import annotations

import statistics
import time
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from wirewatch.accounts.models import Role
from wirewatch.accounts.roles import has_role
from wirewatch.alerts.models import Delivery, Subscription
from wirewatch.alerts.outbox import config, delivery_for
from wirewatch.archive.models import Article
from wirewatch.sources.models import Source

CHECK_EVERY = 300.0  # seconds: silence is measured in hours, no need to look every tick
MIN_HISTORY = 5
_last_check = 0.0


def usual_gap(source: Source) -> timedelta | None:
    seen = list(
        Article.objects.filter(source=source)
        .order_by("-first_seen")
        .values_list("first_seen", flat=True)[:21]
    )
    if len(seen) < MIN_HISTORY:
        return None
    gaps = [(newer - older).total_seconds() for newer, older in zip(seen, seen[1:], strict=False)]
    return timedelta(seconds=max(statistics.median(gaps), source.poll_interval))


def problems(source: Source, now: datetime) -> list[tuple[str, str]]:
    """(event, message) pairs for what is wrong with ``source`` now."""
    found = []
    if source.status == Source.Status.RULES_BROKEN:
        found.append(("layout", f"Extraction rules stopped matching: {source.status_message[:300]}"))
    gap = usual_gap(source)
    newest = (
        Article.objects.filter(source=source)
        .order_by("-first_seen")
        .values_list("first_seen", flat=True)
        .first()
    )
    if gap is not None and newest is not None and now - newest > gap * config("SILENT_FACTOR"):
        hours = (now - newest).total_seconds() / 3600
        found.append(
            (
                "silent",
                f"No new article for {hours:.1f} h (usually one every {gap.total_seconds() / 3600:.1f} h).",
            )
        )
    return found


def _payload(source: Source, message: str) -> dict:
    return {"title": f"{source.display_name}: {message}", "source": source.display_name,
            "path": f"/sources/{source.slug}/", "published": timezone.now().isoformat(), "snippet": ""}  # fmt: skip


def check_sources(now: datetime | None = None) -> int:
    """Outbox rows for every health subscription (all sources, or the one it names). Returns rows written."""
    now = now or timezone.now()
    health = Subscription.objects.filter(kind=Subscription.Kind.HEALTH, active=True).select_related("owner")
    watchers = [watcher for watcher in health if has_role(watcher.owner, Role.ADMIN)]  # demoted: no more
    if not watchers:
        return 0
    rows = []
    for source in Source.objects.filter(enabled=True):
        latest = (
            Article.objects.filter(source=source).order_by("-id").values_list("id", flat=True).first() or 0
        )
        for event, message in problems(source, now):
            for watcher in watchers:
                if watcher.source_id in (None, source.pk):
                    key = f"{event}:{source.pk}:{latest}"
                    rows.append(delivery_for(watcher, key, event, None, _payload(source, message)))
    with transaction.atomic():
        before = Delivery.objects.count()  # bulk_create(ignore_conflicts) returns every row, kept or not
        Delivery.objects.bulk_create(rows, ignore_conflicts=True)
        return Delivery.objects.count() - before


def check_if_due() -> None:
    global _last_check
    if time.monotonic() - _last_check >= CHECK_EVERY:
        _last_check = time.monotonic()
        check_sources()
