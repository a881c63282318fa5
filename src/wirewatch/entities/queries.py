"""Queries over entities, mentions, appearances and text dates, for the pages and for other apps.

``article_ids_mentioning`` and ``article_ids_mentioning_dates`` are the search app's ``entity:`` and date-mention
filters: they return lazy ``values_list`` querysets of article ids, to be used as ``pk__in=`` subqueries. Both
read the current version's rows only (what the article says now).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth, TruncWeek

from wirewatch.archive.models import Article
from wirewatch.entities.models import Appearance, Entity, Mention, TextDate
from wirewatch.web.queries import article_list

APPEARS_WITH = 20


def article_ids_mentioning(slug: str) -> QuerySet:
    """Ids of the articles whose current version mentions the entity ``slug`` (empty for an unknown slug)."""
    return Mention.objects.filter(entity__slug=slug, is_current=True).values_list("article_id", flat=True)


def article_ids_mentioning_dates(start: date, end: date) -> QuerySet:
    """Ids of the articles whose current text names a date or range overlapping ``start``..``end`` (inclusive):
    "mentions dates in 2018" is ``(date(2018, 1, 1), date(2018, 12, 31))``."""
    rows = TextDate.objects.filter(is_current=True, start__lte=end, end__gte=start)
    return rows.values_list("article_id", flat=True).distinct()


def entities_by_kind() -> dict[str, list[Entity]]:
    """Every entity with ``article_count`` (articles mentioning it now), grouped by kind, most mentioned first."""
    counted = Entity.objects.annotate(
        article_count=Count("mentions", filter=Q(mentions__is_current=True))
    ).order_by("-article_count", "name")
    groups: dict[str, list[Entity]] = {kind: [] for kind in Entity.Kind.values}
    for entity in counted:
        groups[entity.kind].append(entity)
    return groups


def articles_mentioning(entity: Entity) -> QuerySet[Article]:
    return article_list().filter(pk__in=article_ids_mentioning(entity.slug))


@dataclass(frozen=True)
class PeriodCount:
    period: date
    source: str  # display name
    articles: int


def timeline_counts(entity: Entity, by: str = "month") -> list[PeriodCount]:
    """Articles mentioning ``entity`` per period (UTC month or ISO week) and source."""
    trunc = TruncWeek if by == "week" else TruncMonth
    rows = (
        Mention.objects.filter(entity=entity, is_current=True)
        .annotate(period=trunc("article__published"))
        .values("period", "article__source__name", "article__source__edition")
        .annotate(articles=Count("article_id", distinct=True))
        .order_by("period")
    )
    return [
        PeriodCount(
            _as_date(r["period"]),
            f"{r['article__source__name']} ({r['article__source__edition']})",
            r["articles"],
        )
        for r in rows
    ]


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def appears_with(entity: Entity, limit: int = APPEARS_WITH) -> list[dict]:
    """The entities most often mentioned in the same articles: slug, name, kind, articles (count)."""
    rows = (
        Mention.objects.filter(is_current=True, article_id__in=article_ids_mentioning(entity.slug))
        .exclude(entity=entity)
        .values("entity__slug", "entity__name", "entity__kind")
        .annotate(articles=Count("article_id", distinct=True))
        .order_by("-articles", "entity__name")[:limit]
    )
    return [
        {
            "slug": r["entity__slug"],
            "name": r["entity__name"],
            "kind": r["entity__kind"],
            "articles": r["articles"],
        }
        for r in rows
    ]


def articles_with_appearances(entity: Entity) -> QuerySet[Article]:
    ids = Appearance.objects.filter(entity=entity, is_current=True).values_list("article_id", flat=True)
    return article_list().filter(pk__in=ids)


def appearances_of(entity: Entity, articles: list[Article]) -> dict[int, Appearance]:
    """The current appearance of ``entity`` in each of ``articles``, by article id, with its place."""
    rows = Appearance.objects.filter(entity=entity, is_current=True, article_id__in=[a.pk for a in articles])
    return {row.article_id: row for row in rows.select_related("place")}


def latest_appearances(entity: Entity, limit: int) -> list[Appearance]:
    """For the feed: the newest ``limit`` appearances with their article and source."""
    rows = Appearance.objects.filter(entity=entity, is_current=True).select_related(
        "article__source", "place"
    )
    return list(rows.order_by("-article__published", "-article_id")[:limit])
