"""The entities receiver writes its rows with ``insert_rows`` (plain tuples): the same rows, values and insertion
order as when it built a model instance per row and called ``bulk_create``, which is kept here as the reference.
Real texts (KCNA English, Korean), new articles and edits, in batches and one at a time."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.dedupe.test_batch_receivers import Scenario, run
from wirewatch.archive.signals import StoredVersion
from wirewatch.entities.appearances import find_appearances
from wirewatch.entities.matcher import current_matcher
from wirewatch.entities.models import Appearance, Mention, TextDate
from wirewatch.entities.reading import version_text
from wirewatch.entities.receivers import record_versions
from wirewatch.extraction.textdates import find_text_dates

pytestmark = [pytest.mark.django_db, pytest.mark.shared]
ENTITIES = (Mention, Appearance, TextDate)


def orm_record_versions(stored: list[StoredVersion]) -> None:
    """The receiver before insert_rows: model instances and bulk_create."""
    replaced = [item.article.pk for item in stored if not item.created]
    for model in ENTITIES:
        model.objects.filter(article_id__in=replaced, is_current=True).update(is_current=False)
    matcher, rows = current_matcher(), {model: [] for model in ENTITIES}
    for item in stored:
        article, version = item.article, item.version
        text = version_text(version)
        found = matcher.find(text)
        counts, first = Counter(), {}
        for hit in found:
            for entity_id in hit.entity_ids:
                counts[entity_id] += 1
                first.setdefault(entity_id, hit.start)
        rows[Mention] += [Mention(entity_id=e, article=article, version=version, count=n, first_offset=first[e])
                          for e, n in counts.items()]  # fmt: skip
        body_start = len(text) - len(version.text)
        rows[Appearance] += [
            Appearance(entity_id=s.entity_id, article=article, version=version, kind=s.kind, sentence=s.sentence,
                       date_start=s.date_start, date_end=s.date_end, place_id=s.place_id)
            for s in find_appearances(text, found, matcher.tracked, matcher.places, body_start)
        ]  # fmt: skip
        rows[TextDate] += [TextDate(article=article, version=version, start=d.start, end=d.end, text=d.text)
                           for d in find_text_dates(text)]  # fmt: skip
    for model, instances in rows.items():
        model.objects.bulk_create(instances)


def in_batches(size: int):
    def record(items: list[StoredVersion]) -> None:
        for start in range(0, len(items), size):
            record_versions(items[start : start + size])

    return record


@pytest.fixture
def scenario(shared_dir) -> Scenario:
    return Scenario.stored(shared_dir)


@pytest.mark.parametrize("size", [1, 50])
def test_the_receiver_writes_what_its_model_instance_version_wrote(scenario, size):
    reference = run(scenario.items, orm_record_versions, ENTITIES)
    assert len(reference["Mention"]) > 300 and len(reference["TextDate"]) > 10
    assert any(row["date_start"] for row in reference["Appearance"])
    assert any(not row["is_current"] for row in reference["Mention"])  # edits replaced rows
    assert run(scenario.items, in_batches(size), ENTITIES) == reference
