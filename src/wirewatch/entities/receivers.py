"""What the entities app records when a version is stored: mentions, appearances and dates in the text.

Runs inside the storing transaction (``archive.signals.versions_stored``: one item from the watcher, a batch from
the WARC importer; one implementation, ``record_versions``): the rows commit or roll back with the version. The
previous version's rows stay, marked not current.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from wirewatch.archive.models import Article, Version
from wirewatch.archive.signals import StoredVersion
from wirewatch.entities.appearances import find_appearances
from wirewatch.entities.matcher import Found, current_matcher
from wirewatch.entities.models import Appearance, Mention, TextDate
from wirewatch.extraction.textdates import find_text_dates


def version_text(version: Version) -> str:
    """The text we read for entities: the headline (unless it is only the body's lead) and the body."""
    return version.text if version.title_is_lead else f"{version.title}\n{version.text}"


def on_versions_stored(sender: Any, stored: list[StoredVersion], **kwargs: Any) -> None:
    record_versions(stored)


def record_versions(stored: list[StoredVersion]) -> None:
    """What storing each item alone would record, in storing order: the previous version's rows of the
    articles that are not new marked not current (one UPDATE per model: no article appears twice, so no item's
    new rows can be among them), then every item's rows, one insert per model in storing order (same ids)."""
    replaced = [item.article.pk for item in stored if not item.created]
    if replaced:
        for model in (Mention, Appearance, TextDate):
            model.objects.filter(article_id__in=replaced, is_current=True).update(is_current=False)
    _record([(item.article, item.version) for item in stored])


def record_version(article: Article, version: Version) -> None:
    """Mentions, appearances and text dates of ``version`` (also used by ``wirewatch entities rescan``)."""
    _record([(article, version)])


def _record(pairs: list[tuple[Article, Version]]) -> None:
    matcher = current_matcher()
    mentions: list[Mention] = []
    appearances: list[Appearance] = []
    dates: list[TextDate] = []
    for article, version in pairs:
        text = version_text(version)
        found = matcher.find(text)
        mentions += _mentions(article, version, found)
        body_start = len(text) - len(version.text)
        sightings = find_appearances(text, found, matcher.tracked, matcher.places, body_start)
        appearances += (
            Appearance(entity_id=s.entity_id, article=article, version=version, kind=s.kind, sentence=s.sentence,
                       date_start=s.date_start, date_end=s.date_end, place_id=s.place_id)
            for s in sightings
        )  # fmt: skip
        dates += (
            TextDate(article=article, version=version, start=d.start, end=d.end, text=d.text)
            for d in find_text_dates(text)
        )
    for model, rows in ((Mention, mentions), (Appearance, appearances), (TextDate, dates)):
        if rows:
            model.objects.bulk_create(rows)


def _mentions(article: Article, version: Version, found: list[Found]) -> list[Mention]:
    counts: Counter[int] = Counter()
    first: dict[int, int] = {}
    for item in found:
        for entity_id in item.entity_ids:
            counts[entity_id] += 1
            first.setdefault(entity_id, item.start)
    return [
        Mention(entity_id=e, article=article, version=version, count=n, first_offset=first[e])
        for e, n in counts.items()
    ]
