"""``insert_rows`` writes what ``bulk_create`` writes for the same values: every column, None, dates, text in
any script, booleans, and the same insertion order (ids)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction

from tests.factories import make_article, make_source
from wirewatch.archive.bulkinsert import insert_rows
from wirewatch.entities.models import Appearance, Entity, TextDate

pytestmark = pytest.mark.django_db

FIELDS = ("entity_id", "article_id", "version_id", "kind", "sentence", "date_start", "date_end", "place_id",
          "is_current")  # fmt: skip


def appearance_rows(article, entity: Entity, place: Entity, other: Entity) -> list[tuple]:
    version = article.current_version_id
    return [
        (entity.pk, article.pk, version, "visit", "Kim Jong Un visited Dalian.", date(2018, 5, 7),
         date(2018, 5, 8), place.pk, True),
        (place.pk, article.pk, version, "meeting", "김정은동지께서 — «만났다» 'quotes' \\ %s %%", None, None, None,
         False),
        (other.pk, article.pk, version, "letter", "", date(1912, 4, 15), None, None, True),
    ]  # fmt: skip


def written(model, before: int) -> list[dict]:
    rows = list(model.objects.filter(pk__gt=before).order_by("pk").values())
    first = rows[0]["id"] if rows else 0
    return [{**row, "id": row["id"] - first} for row in rows]


def both_ways(model, fields: tuple[str, ...], rows: list[tuple]) -> tuple[list[dict], list[dict]]:
    """The rows as bulk_create writes them and as insert_rows does, each in a savepoint rolled back."""
    results = []
    for write in (
        lambda: model.objects.bulk_create([model(**dict(zip(fields, row, strict=True))) for row in rows]),
        lambda: insert_rows(model, fields, rows),
    ):
        before = max(model.objects.values_list("pk", flat=True), default=0)
        with transaction.atomic():
            write()
            results.append(written(model, before))
            transaction.set_rollback(True)
    return results[0], results[1]


def test_insert_rows_writes_every_column_as_bulk_create_does():
    article = make_article(make_source(), title="A visit")
    made = (("Someone", "person"), ("Somewhere", "place"), ("Another", "person"))
    entities = [Entity.objects.create(name=name, slug=name.lower(), kind=kind) for name, kind in made]
    orm, plain = both_ways(Appearance, FIELDS, appearance_rows(article, *entities))
    assert len(orm) == 3 and plain == orm
    dates = [
        (
            article.pk,
            article.current_version_id,
            date(2018, 5, 7),
            date(2018, 5, 8),
            "May 7 to 8 Juche 107",
            True,
        )
    ]
    fields = ("article_id", "version_id", "start", "end", "text", "is_current")
    orm, plain = both_ways(TextDate, fields, dates)
    assert plain == orm and plain[0]["start"] == date(2018, 5, 7)


def test_no_rows_writes_nothing():
    insert_rows(TextDate, ("article_id", "version_id", "start", "end", "text", "is_current"), [])
    assert not TextDate.objects.exists()
