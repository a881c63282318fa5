"""Polling one source: discover its new articles, fetch each, extract it, store it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from wirewatch.archive.store import store_extracted
from wirewatch.discovery import Candidate
from wirewatch.extraction import extract_article
from wirewatch.fetching.client import FetchError, PoliteClient
from wirewatch.sources.models import Source
from wirewatch.watch.discover import Found, discover, known_urls

log = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(hours=6)
FetchAll = Callable[[PoliteClient, Source, list[Candidate], "PollReport"], int]


@dataclass
class PollReport:
    """What one poll of one source did; ``ok`` is False when the source needs a human's attention."""

    source: str
    discovered: int = 0
    new_articles: int = 0
    unchanged: int = 0
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    rules_broken: list[str] = field(default_factory=list)
    throttled_for: float | None = None

    @property
    def ok(self) -> bool:
        return not (self.errors or self.rules_broken or self.throttled_for)


@dataclass
class ArticleOutcome:
    stored: bool = False
    new: bool = False
    error: str = ""
    rules_missed: bool = False


def fetch_article(client: PoliteClient, source: Source, candidate: Candidate) -> ArticleOutcome:
    """Fetch, extract and store one article. Failures are reported, never raised: one bad page stops nothing."""
    try:
        response = client.get(candidate.url, delay=source.delay, purpose="article", source_id=source.pk)
    except FetchError as exc:
        return ArticleOutcome(error=f"{candidate.url}: {exc.kind}: {exc.message}")
    if not response.ok:
        return ArticleOutcome(error=f"{candidate.url}: HTTP {response.status}")
    article_rules = source.rules.get("article") or None
    try:
        extracted = extract_article(
            response.text,
            response.final_url,
            language=source.language,
            timezone=source.timezone,
            rules=article_rules,
            listing_date=candidate.published,
            listing_title=candidate.title,
        )
    except Exception as exc:  # a parser failing on hostile markup must not stop the source
        log.warning("extraction failed for %s: %r", candidate.url, exc)
        return ArticleOutcome(error=f"{candidate.url}: extraction failed ({type(exc).__name__})")
    if not extracted.text.strip():
        return ArticleOutcome(
            error=f"{candidate.url}: no article text found", rules_missed=bool(article_rules)
        )
    stored = store_extracted(
        source, candidate.url, extracted, fetch_id=response.fetch_id, fetched_at=response.fetched_at
    )
    return ArticleOutcome(stored=True, new=stored.created, rules_missed=extracted.rules_matched is False)


def _oldest_first(candidates: list[Candidate]) -> list[Candidate]:
    """Store in publication order, so that article ids grow with recency.

    Listings and feeds put the newest first; walking them backwards keeps same-day items in the source's own
    order once the stream sorts by (date, id). Undated items get their first-seen time, the newest: last.
    """
    backwards = list(reversed(candidates))
    dated = sorted((c for c in backwards if c.published), key=lambda c: c.published)
    return dated + [c for c in backwards if not c.published]


def poll_source(client: PoliteClient, source: Source, fetch_all: FetchAll | None = None) -> PollReport:
    """Discover and fetch every new article of ``source``, then record the source's health.

    ``fetch_all`` replaces the in-thread fetching: scale-out mode passes one that queues each article for the
    workers (wirewatch/scale/tasks.py) and returns 0, the rules-missed count it cannot know yet.
    """
    started = timezone.now()
    found = discover(client, source)
    report = PollReport(source.slug, discovered=len(found.candidates), errors=list(found.errors))
    report.rules_broken, report.throttled_for = list(found.rules_broken), found.throttled_for
    urls = list(found.candidates)
    known = set()
    for start in range(0, len(urls), 500):
        known |= known_urls(source, urls[start : start + 500])
    fresh = [c for url, c in found.candidates.items() if url not in known]
    fresh = _oldest_first(fresh[: settings.WIREWATCH["MAX_ARTICLES_PER_POLL"]])
    missed = (fetch_all or _fetch_all)(client, source, fresh, report)
    if source.rules.get("article") and missed and missed == len(fresh):
        report.rules_broken.append(
            f"article rules matched nothing on {missed} page(s): generic extraction used. Has the layout changed?"
        )
    record_health(source, report, found, started)
    return report


def _fetch_all(client: PoliteClient, source: Source, candidates: list[Candidate], report: PollReport) -> int:
    missed = 0
    for candidate in candidates:
        outcome = fetch_article(client, source, candidate)
        missed += outcome.rules_missed
        if outcome.error:
            report.failed.append(outcome.error)
        elif outcome.new:
            report.new_articles += 1
        else:
            report.unchanged += 1
    return missed


def _status(report: PollReport, found: Found) -> tuple[str, str]:
    if report.throttled_for:
        return Source.Status.THROTTLED, f"the source asked us to wait {report.throttled_for:.0f} s"
    if report.rules_broken:
        return Source.Status.RULES_BROKEN, "; ".join(report.rules_broken)
    if report.errors and not found.pages:
        return Source.Status.ERROR, "; ".join(report.errors)
    parts = [f"{report.new_articles} new of {report.discovered} found"]
    if report.errors:
        parts.append("; ".join(report.errors))
    if report.failed:
        parts.append(f"{len(report.failed)} article(s) failed, e.g. {report.failed[0]}")
    return (Source.Status.ERROR if report.errors else Source.Status.OK), "; ".join(parts)


def _next_poll_in(source: Source, report: PollReport, errors: int) -> timedelta:
    """The normal interval when healthy; doubling while failing, up to 6 h; at least what a 429 asked."""
    interval = timedelta(seconds=source.poll_interval)
    wait = min(interval * (2 ** min(errors, 10)), max(MAX_BACKOFF, interval)) if errors else interval
    if report.throttled_for:
        wait = max(wait, timedelta(seconds=report.throttled_for))
    return wait


def record_health(source: Source, report: PollReport, found: Found, started: datetime) -> None:
    """Write the source's status and next poll time: backing off while it fails, never hammering it."""
    status, message = _status(report, found)
    errors = 0 if status == Source.Status.OK else source.consecutive_errors + 1
    fields = {
        "status": status,
        "status_message": message[:2000],
        "last_polled_at": started,
        "consecutive_errors": errors,
        "next_poll_at": started + _next_poll_in(source, report, errors),
    }
    if status == Source.Status.OK:
        fields["last_success_at"] = started
    with transaction.atomic():
        Source.objects.filter(pk=source.pk).update(**fields)
    for name, value in fields.items():
        setattr(source, name, value)
