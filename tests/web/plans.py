"""The database's plan for a queryset, to check which index a list query walks (SQLite and PostgreSQL)."""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import QuerySet


def query_plan(queryset: QuerySet) -> str:
    """EXPLAIN QUERY PLAN (SQLite) or EXPLAIN (PostgreSQL) of ``queryset``, one line per plan node.

    On PostgreSQL, sequential and bitmap scans and sorts are priced out for this one statement: with a test's
    few rows, a scan, or a bitmap scan then a sort, is the cheapest plan whatever the indexes. With those
    discouraged, the plan walks an index in order only if one can serve the query and its order, which is what
    the tests check (a sort that no index can avoid still shows as Sort)."""
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return "\n".join(str(row[-1]) for row in cursor.fetchall())
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())
