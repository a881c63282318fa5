"""Writing what the watcher extracted: one transaction per article, append-only versions.

A crash at any point leaves either the whole article (article row, its version, its counters) or nothing.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from wirewatch.archive.models import Article, Version
from wirewatch.archive.signals import version_stored
from wirewatch.extraction import Extracted
from wirewatch.sources.models import Source


@dataclass(frozen=True)
class Stored:
    article: Article
    version: Version | None  # None: the content was unchanged, nothing was added
    created: bool  # a new article


def normalise_for_hash(value: str) -> str:
    """Whitespace and Unicode form are cosmetic: they must not make a new version."""
    return " ".join(unicodedata.normalize("NFC", value).split())


def content_hash(title: str, text: str, published: datetime | None) -> str:
    day = published.date().isoformat() if published else ""
    parts = (normalise_for_hash(title), normalise_for_hash(text), day)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


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
    digest = content_hash(extracted.title, extracted.text, extracted.published)
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(source=source, url=url).first()
        created = article is None
        if created:
            article = Article(
                source=source, url=url, first_seen=seen_at, **_article_dates(extracted, seen_at)
            )
        elif article.current_version and article.current_version.content_hash == digest:
            Article.objects.filter(pk=article.pk).update(last_seen=seen_at)
            return Stored(article, None, False)
        version = _append_version(article, extracted, digest, fetch_id, seen_at)
        if created:
            Source.objects.filter(pk=source.pk).update(article_count=F("article_count") + 1)
        version_stored.send(Article, article=article, version=version, created=created)
    return Stored(article, version, created)


def _append_version(
    article: Article, extracted: Extracted, digest: str, fetch_id: int | None, seen_at: datetime
) -> Version:
    if article.pk is None:
        article.title, article.language = extracted.title, extracted.language
        article.save()
    version = Version.objects.create(
        article=article,
        number=article.version_count + 1,
        fetched_at=seen_at,
        fetch_id=fetch_id,
        content_hash=digest,
        **_version_fields(extracted),
    )
    article.current_version = version
    article.version_count = version.number
    article.title, article.title_is_lead = extracted.title, extracted.title_is_lead
    article.language, article.last_seen = extracted.language, seen_at
    if extracted.published and article.published_is_estimate:
        article.__dict__.update(_article_dates(extracted, seen_at))
    article.save()
    return version
