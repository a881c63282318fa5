"""What the entities app records when a version is stored: mentions, appearances and dates in the text.

Runs inside the storing transaction (``archive.signals.version_stored``): the rows commit or roll back with the
version. The previous version's rows stay, marked not current.
"""

from __future__ import annotations

from collections import Counter

from wirewatch.archive.models import Article, Version
from wirewatch.entities.appearances import find_appearances
from wirewatch.entities.matcher import Found, current_matcher
from wirewatch.entities.models import Appearance, Mention, TextDate
from wirewatch.extraction.textdates import find_text_dates


def version_text(version: Version) -> str:
    """The text we read for entities: the headline (unless it is only the body's lead) and the body."""
    return version.text if version.title_is_lead else f"{version.title}\n{version.text}"


def on_version_stored(sender, article: Article, version: Version, created: bool, **kwargs) -> None:
    if not created:
        for model in (Mention, Appearance, TextDate):
            model.objects.filter(article=article, is_current=True).update(is_current=False)
    record_version(article, version)


def record_version(article: Article, version: Version) -> None:
    """Mentions, appearances and text dates of ``version`` (also used by ``wirewatch entities rescan``)."""
    text = version_text(version)
    matcher = current_matcher()
    found = matcher.find(text)
    Mention.objects.bulk_create(_mentions(article, version, found))
    body_start = len(text) - len(version.text)
    sightings = find_appearances(text, found, matcher.tracked, matcher.places, body_start)
    Appearance.objects.bulk_create(
        Appearance(entity_id=s.entity_id, article=article, version=version, kind=s.kind, sentence=s.sentence,
                   date_start=s.date_start, date_end=s.date_end, place_id=s.place_id)
        for s in sightings
    )  # fmt: skip
    TextDate.objects.bulk_create(
        TextDate(article=article, version=version, start=d.start, end=d.end, text=d.text)
        for d in find_text_dates(text)
    )


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
