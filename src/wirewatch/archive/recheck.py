"""The re-check policy: when to look at an article again, and what repeated failures mean.

Pure bookkeeping over the database; the fetching is watch/recheck.py. Three kinds of outcome:

- ``ok``: the page is there (changed or not). Clears any removal evidence, restores a removed article.
- ``gone``: removal evidence (404/410, redirect to the home page, a soft-404 page, an empty page). The article
  is marked removed only when both thresholds are passed: ``REMOVAL_AFTER_FAILURES`` checks in a row AND
  ``REMOVAL_AFTER_HOURS`` since the first of them. One bad fetch never removes anything.
- ``transient``: timeouts, 5xx, 429, garbage. Says nothing about the article: no evidence, retry later.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from wirewatch.archive.models import Article, ChangeEvent, RecheckState, Removal
from wirewatch.archive.store import first_recheck_in
from wirewatch.sources.models import Source

OK, GONE, TRANSIENT = "ok", "gone", "transient"
TRANSIENT_RETRY = timedelta(hours=1)
MIN_GONE_RETRY = timedelta(minutes=10)


def due_articles(
    source: Source, now: datetime | None = None, *, everything: bool = False
) -> QuerySet[Article]:
    """Live articles of ``source`` whose next check has come (all of them with ``everything``), most overdue
    first. An article without a schedule yet (stored before re-checks existed) is due one step after first seen."""
    now = now or timezone.now()
    articles = Article.objects.filter(source=source, superseded_at__isnull=True).select_related("source")
    if not everything:
        first_step = timedelta(seconds=first_recheck_in(source))
        articles = articles.filter(
            Q(recheck__next_check_at__lte=now) | Q(recheck__isnull=True, first_seen__lte=now - first_step)
        )
    return articles.order_by("recheck__next_check_at", "id")


def schedule_now(source: Source, urls: list[str], now: datetime | None = None) -> int:
    """Bring the next check of these articles forward to now (e.g. they vanished from a listing)."""
    now = now or timezone.now()
    ids = list(
        Article.objects.filter(source=source, url__in=urls, superseded_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    with transaction.atomic():
        for pk in ids:
            RecheckState.objects.update_or_create(article_id=pk, defaults={"next_check_at": now})
    return len(ids)


def record_check(article: Article, kind: str, reason: str, now: datetime | None = None) -> str:
    """Apply one check's outcome; return what it did: checked | removed | restored | evidence | retry."""
    now = now or timezone.now()
    with transaction.atomic():
        article = Article.objects.select_for_update().select_related("source").get(pk=article.pk)
        state = RecheckState.objects.filter(article=article).first() or RecheckState(
            article=article, next_check_at=now
        )
        state.last_checked_at, state.last_outcome = now, f"{kind}: {reason}"[:200]
        done = {OK: _ok, GONE: _gone, TRANSIENT: _transient}[kind](article, state, reason, now)
        state.save()
    return done


def _ok(article: Article, state: RecheckState, reason: str, now: datetime) -> str:
    state.failures, state.failing_since = 0, None
    state.checks += 1
    state.next_check_at = now + timedelta(seconds=first_recheck_in(article.source, state.checks))
    if article.removed_at is None:
        return "checked"
    removal = article.removals.filter(restored_at__isnull=True).order_by("-id").first()
    if removal is not None:
        Removal.objects.filter(pk=removal.pk).update(restored_at=now)
    Article.objects.filter(pk=article.pk).update(removed_at=None)
    ChangeEvent.objects.create(kind=ChangeEvent.Kind.RESTORED, at=now, source=article.source, article=article,
                               removal=removal)  # fmt: skip
    return "restored"


def _gone(article: Article, state: RecheckState, reason: str, now: datetime) -> str:
    conf = settings.WIREWATCH
    state.failures += 1
    state.failing_since = state.failing_since or now
    after_failures, after = conf["REMOVAL_AFTER_FAILURES"], timedelta(hours=conf["REMOVAL_AFTER_HOURS"])
    if article.removed_at is not None:  # already removed: look again on the normal schedule
        state.checks += 1
        state.next_check_at = now + timedelta(seconds=first_recheck_in(article.source, state.checks))
        return "evidence"
    # Spread the checks that can confirm a removal over the time threshold.
    state.next_check_at = now + max(MIN_GONE_RETRY, after / max(1, after_failures))
    if state.failures < after_failures or now - state.failing_since < after:
        return "evidence"
    removal = Removal.objects.create(article=article, removed_at=state.failing_since, confirmed_at=now,
                                     last_seen=article.last_seen, evidence=reason[:500])  # fmt: skip
    Article.objects.filter(pk=article.pk).update(removed_at=state.failing_since)
    ChangeEvent.objects.create(kind=ChangeEvent.Kind.REMOVED, at=now, source=article.source, article=article,
                               removal=removal)  # fmt: skip
    return "removed"


def _transient(article: Article, state: RecheckState, reason: str, now: datetime) -> str:
    state.next_check_at = now + TRANSIENT_RETRY
    return "retry"
