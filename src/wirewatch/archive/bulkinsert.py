"""``insert_rows``: the INSERT ``bulk_create`` makes, from plain values, for rows nobody needs as model instances.

The receivers write many small rows per stored version (about 13 mentions and 25 bands for a KCNA story). Building
a model instance per row and letting the ORM prepare each field of each was most of their database cost (the
entities receiver: ~1 ms of its ~1.6 ms per article, bench/storepath.py); the rows themselves are a few integers.
For models with no ``save()`` override and no signals on their rows, one ``executemany`` of prepared tuples writes
the same rows, in the same order, so with the same ids (tests/archive/test_bulk_insert.py compares the two).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models

# Fields whose value goes to the database driver as is (the ORM's preparation returns it unchanged for the ints and
# bools we pass): preparing them would cost a call per value for nothing.
_AS_IS = (models.IntegerField, models.BooleanField, models.ForeignKey, models.AutoField)


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert ``rows`` (values in the order of ``fields``, attribute names: ``entity_id`` or ``entity``) into
    ``model``'s table, in order, in the caller's transaction. Name every column but the primary key: Django's
    field defaults live in Python, not in the table."""
    meta, quote = model._meta, connection.ops.quote_name
    columns = [meta.get_field(name.removesuffix("_id")) for name in fields]
    prepare = [(i, field) for i, field in enumerate(columns) if not isinstance(field, _AS_IS)]
    prepared = [_prepared(row, prepare) for row in rows] if prepare else [list(row) for row in rows]
    if not prepared:
        return
    names = ", ".join(quote(field.column) for field in columns)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({marks})", prepared)  # noqa: S608


def _prepared(row: Sequence[Any], prepare: list[tuple[int, models.Field]]) -> list[Any]:
    values = list(row)
    for i, field in prepare:
        values[i] = field.get_db_prep_save(values[i], connection)
    return values
