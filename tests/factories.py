"""Rows for tests, made the way the watcher makes them: an Article, its Version 1, and the denormalised fields.

Plain functions rather than a factory library: the models are few and the defaults below are all a test needs.
"""

from __future__ import annotations

import hashlib
import html
import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F

from wirewatch.archive.models import Article, Version
from wirewatch.sources.models import Source

_numbers = itertools.count(1)
BASE_TIME = datetime(2026, 2, 25, 9, 0, tzinfo=UTC)


def make_source(
    slug: str = "naenara-en",
    name: str = "Naenara",
    edition: str = "En",
    language: str = "en",
    timezone: str = "Asia/Pyongyang",
    **fields: Any,
) -> Source:
    home = fields.pop("home", f"http://127.0.0.1:9/{slug}/")
    return Source.objects.create(
        slug=slug, name=name, edition=edition, language=language, timezone=timezone, home=home, **fields
    )


def body_html(text: str) -> str:
    """Sanitised-looking HTML for ``text``: one paragraph per line, escaped."""
    return "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())


def make_article(
    source: Source,
    title: str | None = None,
    text: str = "Pyongyang, February 25 (KCNA) -- A test article.",
    published: datetime | None = None,
    *,
    title_is_lead: bool = False,
    url: str | None = None,
    html_body: str | None = None,
    byline: str = "",
    published_is_estimate: bool = False,
    language: str | None = None,
    **fields: Any,
) -> Article:
    """An article with Version 1 as its current version; bumps the source's article_count like the watcher."""
    number = next(_numbers)
    title = title if title is not None else f"Article {number}"
    published = published or BASE_TIME
    language = language or source.language
    with transaction.atomic():
        article = Article.objects.create(
            source=source,
            url=url or f"http://127.0.0.1:9/{source.slug}/article/{number}",
            title=title,
            title_is_lead=title_is_lead,
            language=language,
            published=published,
            published_is_estimate=published_is_estimate,
            published_from="first-seen" if published_is_estimate else "meta",
            **fields,
        )
        version = Version.objects.create(
            article=article,
            number=1,
            title=title,
            title_is_lead=title_is_lead,
            byline=byline,
            text=text,
            html=html_body if html_body is not None else body_html(text),
            language=language,
            published=None if published_is_estimate else published,
            published_from=article.published_from,
            extracted_by="rules",
            content_hash=hashlib.sha256(text.encode()).hexdigest(),
        )
        article.current_version = version
        article.version_count = 1
        article.save(update_fields=["current_version", "version_count"])
        Source.objects.filter(pk=source.pk).update(article_count=F("article_count") + 1)
    return article


def make_articles(source: Source, count: int, newest: datetime | None = None, **fields: Any) -> list[Article]:
    """``count`` articles an hour apart, returned newest first (the order every list shows)."""
    newest = newest or BASE_TIME
    made = [
        make_article(source, f"{source.name} item {i}", published=newest - timedelta(hours=i), **fields)
        for i in range(count)
    ]
    return made
