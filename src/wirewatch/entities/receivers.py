"""What the entities app records when a version is stored: mentions, appearances and dates in the text.

Runs inside the storing transaction (``archive.signals.versions_stored``: one item from the watcher, a batch from
the WARC importer; one implementation, ``record_versions``): the rows commit or roll back with the version. The
previous version's rows stay, marked not current.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from wirewatch.archive import derived
from wirewatch.archive.bulkinsert import insert_rows
from wirewatch.archive.models import Article, Version
from wirewatch.archive.signals import StoredVersion
from wirewatch.entities.appearances import find_appearances
from wirewatch.entities.matcher import Found, current_matcher
from wirewatch.entities.models import Appearance, Mention, TextDate
from wirewatch.entities.reading import TEXT_DATES, text_dates, version_text


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
    _record(stored)


def record_version(article: Article, version: Version) -> None:
    """Mentions, appearances and text dates of ``version`` (also used by ``wirewatch entities rescan``)."""
    _record([StoredVersion(article, version, False)])


# The columns _record writes, in the order of its value tuples (insert_rows: no model instance per row).
_MENTION = ("entity_id", "article_id", "version_id", "count", "first_offset", "is_current")
_APPEARANCE = ("entity_id", "article_id", "version_id", "kind", "sentence", "date_start", "date_end", "place_id",
               "is_current")  # fmt: skip
_TEXT_DATE = ("article_id", "version_id", "start", "end", "text", "is_current")


def _record(stored: list[StoredVersion]) -> None:
    matcher = current_matcher()
    mentions: list[tuple] = []
    appearances: list[tuple] = []
    dates: list[tuple] = []
    for article, version, _, found_ahead in stored:
        text, ids = version_text(version), (article.pk, version.pk)
        found = matcher.find(text)
        mentions += _mentions(ids, found)
        body_start = len(text) - len(version.text)
        sightings = find_appearances(text, found, matcher.tracked, matcher.places, body_start)
        appearances += (
            (s.entity_id, *ids, s.kind, s.sentence, s.date_start, s.date_end, s.place_id, True)
            for s in sightings
        )
        written = derived.value(found_ahead, TEXT_DATES, lambda v=version: text_dates(v))
        dates += ((*ids, d.start, d.end, d.text, True) for d in written)
    insert_rows(Mention, _MENTION, mentions)
    insert_rows(Appearance, _APPEARANCE, appearances)
    insert_rows(TextDate, _TEXT_DATE, dates)


def _mentions(ids: tuple[int, int], found: list[Found]) -> list[tuple]:
    counts: Counter[int] = Counter()
    first: dict[int, int] = {}
    for item in found:
        for entity_id in item.entity_ids:
            counts[entity_id] += 1
            first.setdefault(entity_id, item.start)
    return [(e, *ids, n, first[e], True) for e, n in counts.items()]
