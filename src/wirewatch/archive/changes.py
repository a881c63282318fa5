"""Queries over the record for pages, feed and API: an article's versions and diffs, the change stream."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from wirewatch.archive.diffs import diff_versions
from wirewatch.archive.models import Article, ChangeEvent, Version
from wirewatch.web.paging import BadQuery, whole_number

KINDS = [kind for kind, _ in ChangeEvent.Kind.choices]


def versions_of(article: Article) -> list[Version]:
    return list(article.versions.select_related("fetch").order_by("number"))


def _number(raw: str | None, name: str, default: int) -> int:
    if raw is None or raw == "":
        return default
    number = whole_number(raw, max_digits=9)
    if number is None:
        raise BadQuery(f"{name} must be a version number.")
    return number


def pick_pair(versions: list[Version], raw_from: str | None, raw_to: str | None) -> tuple[Version, Version]:
    """The two versions to compare: ?from=&to= (numbers), by default the last one against the one before."""
    last = len(versions)
    to = _number(raw_to, "to", last)
    start = _number(raw_from, "from", max(1, to - 1))
    if not (1 <= start <= last and 1 <= to <= last):
        raise BadQuery(f"Versions are numbered 1 to {last}.")
    return versions[start - 1], versions[to - 1]


def article_diff(article: Article, raw_from: str | None, raw_to: str | None) -> dict:
    versions = versions_of(article)
    if not versions:
        raise BadQuery("This article has no stored version.")
    old, new = pick_pair(versions, raw_from, raw_to)
    return diff_versions(old, new, article.language)


@dataclass(frozen=True)
class ChangeFilters:
    source: str = ""
    kind: str = ""


def parse_change_filters(params) -> ChangeFilters:
    kind = params.get("kind", "")
    if kind and kind not in KINDS:
        raise BadQuery(f"kind must be one of: {', '.join(KINDS)}.")
    source = params.get("source", "")
    if len(source) > 100:
        raise BadQuery("source is too long.")
    return ChangeFilters(source, kind)


def change_stream(filters: ChangeFilters) -> QuerySet[ChangeEvent]:
    events = ChangeEvent.objects.select_related("source", "article", "version", "removal").order_by("-id")
    if filters.source:
        events = events.filter(source__slug=filters.source)
    if filters.kind:
        events = events.filter(kind=filters.kind)
    return events


def change_page(
    filters: ChangeFilters, cursor: str | None, limit: int = 50
) -> tuple[list[ChangeEvent], str | None]:
    """One page, newest first; the cursor is the id of the last event shown (ids only grow: new events never
    shift a page)."""
    events = change_stream(filters)
    if cursor:
        before = whole_number(cursor)
        if before is None:
            raise BadQuery("The cursor is not valid; use the link from the previous page.")
        events = events.filter(id__lt=before)
    rows = list(events[: limit + 1])
    items = rows[:limit]
    return items, (str(items[-1].pk) if len(rows) > limit else None)
