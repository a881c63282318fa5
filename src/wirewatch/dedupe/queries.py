"""Near-duplicates for the pages: who else published an article, and the stream with duplicates collapsed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, QuerySet

from wirewatch.archive.models import Article
from wirewatch.dedupe.models import Signature


def also_published(article: Article) -> list[Article]:
    """The other sources' copies of ``article`` (its near-duplicate group), earliest first, with their source.
    One query: the group is a subquery."""
    group = Signature.objects.filter(article_id=article.pk).values("group")
    members = Signature.objects.filter(group__in=group).values("article_id")
    return list(
        Article.objects.filter(pk__in=members)
        .exclude(source_id=article.source_id)
        .select_related("source")
        .only("id", "title", "published", "source__slug", "source__name", "source__edition")
        .order_by("published", "id")
    )


def collapse(queryset: QuerySet[Article]) -> QuerySet[Article]:
    """``queryset`` without the later copies of near-duplicates: each group shows only its earliest article.

    A correlated NOT EXISTS: each article the page's index walk passes is looked up in the signatures by
    article_id (unique), so a page costs the same at any archive size. ``NOT IN`` over every later copy made
    the database gather them all first, a list that grows with the archive (docs/performance.md, Scale)."""
    later_copy = Signature.objects.filter(article_id=OuterRef("pk"), is_first=False)
    return queryset.filter(~Exists(later_copy))


def other_source_counts(articles: Iterable[Article]) -> dict[int, int]:
    """For each article id: in how many other sources its near-duplicates appear (absent: none). One query."""
    ids = {a.pk for a in articles}
    groups = Signature.objects.filter(article_id__in=ids).values("group")
    rows = Signature.objects.filter(group__in=groups).values_list("group", "article_id", "article__source_id")
    sources: dict[int, set[int]] = defaultdict(set)
    own: dict[int, tuple[int, int]] = {}
    for group, article_id, source_id in rows:
        sources[group].add(source_id)
        if article_id in ids:
            own[article_id] = (group, source_id)
    counts = {pk: len(sources[group] - {source_id}) for pk, (group, source_id) in own.items()}
    return {pk: n for pk, n in counts.items() if n}


def mark_copies(articles: list[Article]) -> None:
    """Set ``also_in`` on each article: how many other sources published a near-duplicate (0: none)."""
    counts = other_source_counts(articles)
    for article in articles:
        article.also_in = counts.get(article.pk, 0)
