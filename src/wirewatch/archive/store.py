"""Writing what the watcher extracted: one transaction per article, append-only versions.

A crash at any point leaves either the whole article (article row, its version, its counters, its recheck
schedule, its change event) or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from wirewatch.archive.contenthash import extracted_hash
from wirewatch.archive.models import Article, ChangeEvent, RecheckState, Version
from wirewatch.archive.signals import StoredVersion, send_stored
from wirewatch.extraction import Extracted
from wirewatch.sources.models import Source


@dataclass(frozen=True)
class Stored:
    article: Article
    version: Version | None  # None: the content was unchanged, nothing was added
    created: bool  # a new article


def live_article(source: Source, url: str, *, lock: bool = False) -> Article | None:
    """The article currently at ``url`` (not one the source's URL reuse superseded)."""
    articles = Article.objects.filter(source=source, url=url, superseded_at__isnull=True)
    return (articles.select_for_update() if lock else articles).first()


def first_recheck_in(source: Source, step: int = 0) -> float:
    """Seconds until check number ``step`` + 1 on the source's schedule (Source.rules["recheck"] or the
    WIREWATCH_RECHECK_SCHEDULE default); past its end, the last interval repeats (monthly)."""
    schedule = source.rules.get("recheck")
    if not (
        isinstance(schedule, list)
        and schedule
        and all(isinstance(s, int | float) and s > 0 for s in schedule)
    ):
        schedule = settings.WIREWATCH["RECHECK_SCHEDULE"]  # none, or not a list of positive seconds
    return float(schedule[min(step, len(schedule) - 1)])


def _version_fields(extracted: Extracted) -> dict:
    return {
        "title": extracted.title,
        "title_is_lead": extracted.title_is_lead,
        "byline": extracted.byline[:500],
        "text": extracted.text,
        "html": extracted.html,
        "language": extracted.language,
        "published": extracted.published,
        "published_from": extracted.published_from,
        "extracted_by": extracted.extracted_by,
    }


def _article_dates(extracted: Extracted, seen_at: datetime) -> dict:
    if extracted.published:
        return {
            "published": extracted.published,
            "published_is_estimate": False,
            "published_from": extracted.published_from,
        }
    return {"published": seen_at, "published_is_estimate": True, "published_from": "first-seen"}


def store_extracted(
    source: Source,
    url: str,
    extracted: Extracted,
    *,
    fetch_id: int | None = None,
    fetched_at: datetime | None = None,
) -> Stored:
    """Add ``extracted`` as the article's next version, unless its content equals the current one."""
    seen_at = fetched_at or timezone.now()
    digest = extracted_hash(extracted)
    with transaction.atomic():
        article = live_article(source, url, lock=True)
        if article is not None and article.current_version and article.current_version.content_hash == digest:
            Article.objects.filter(pk=article.pk).update(last_seen=seen_at)
            return Stored(article, None, False)
        return _store(source, url, article, extracted, digest, fetch_id, seen_at)


def store_replacement(
    old: Article, extracted: Extracted, *, fetch_id: int | None, fetched_at: datetime
) -> Stored:
    """The source reused ``old``'s URL for another article: keep ``old`` as it was, start a new article."""
    with transaction.atomic():
        stored = _store(old.source, old.url, None, extracted, extracted_hash(extracted), fetch_id, fetched_at,
                        replacing=old)  # fmt: skip
        Article.objects.filter(pk=old.pk).update(superseded_at=fetched_at, superseded_by=stored.article)
        ChangeEvent.objects.create(
            kind=ChangeEvent.Kind.REUSED, at=fetched_at, source=old.source, article=old
        )
    return stored


def _store(
    source: Source,
    url: str,
    article: Article | None,
    extracted: Extracted,
    digest: str,
    fetch_id: int | None,
    seen_at: datetime,
    replacing: Article | None = None,
) -> Stored:
    created = article is None
    if created:
        if replacing is not None:  # free the live-URL slot first (the unique constraint is on live rows)
            Article.objects.filter(pk=replacing.pk).update(superseded_at=seen_at)
        article = Article(source=source, url=url, first_seen=seen_at, **_article_dates(extracted, seen_at))
    version = _append_version(article, extracted, digest, fetch_id, seen_at)
    if created:
        Source.objects.filter(pk=source.pk).update(article_count=F("article_count") + 1)
        RecheckState.objects.create(
            article=article, next_check_at=seen_at + timedelta(seconds=first_recheck_in(source))
        )
    elif version.number > 1:
        ChangeEvent.objects.create(
            kind=ChangeEvent.Kind.EDITED, at=seen_at, source=source, article=article, version=version
        )
    send_stored([StoredVersion(article, version, created)])
    return Stored(article, version, created)


def _append_version(
    article: Article,
    extracted: Extracted,
    digest: str,
    fetch_id: int | None,
    seen_at: datetime,
) -> Version:
    if article.pk is None:
        article.title, article.language = extracted.title, extracted.language
        article.save()
    version = Version(
        article=article,
        number=article.version_count + 1,
        fetched_at=seen_at,
        fetch_id=fetch_id,
        content_hash=digest,
        **_version_fields(extracted),
    )
    version.save(force_insert=True)
    article.current_version = version
    advance_article(article, version.number, extracted, seen_at)
    article.save()
    return version


def advance_article(article: Article, number: int, extracted: Extracted, seen_at: datetime) -> None:
    """Set the article's denormalised fields for its new version ``number`` (all but ``current_version``, which
    the caller sets once the version has its id); the batch importer (batchstore.py) shares this."""
    article.version_count = number
    article.title, article.title_is_lead = extracted.title, extracted.title_is_lead
    article.language, article.last_seen = extracted.language, seen_at
    if extracted.published and article.published_is_estimate:
        article.__dict__.update(_article_dates(extracted, seen_at))
