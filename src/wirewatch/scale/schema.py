"""Bringing the schema up to date when several hosts start at once (every CLI command migrates first)."""

from __future__ import annotations

from django.core.management import call_command
from django.db import connection

# Any constant: the PostgreSQL advisory lock that serialises `migrate` across hosts ("wirewatch" in ASCII).
MIGRATE_LOCK = 0x77697265776174


def migrate() -> None:
    """Run migrate; on PostgreSQL under an advisory lock, so that N hosts starting together migrate one at a
    time (the others then find nothing to do) instead of racing to create the same tables."""
    if connection.vendor != "postgresql":
        call_command("migrate", interactive=False, verbosity=0)
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATE_LOCK])
    try:
        call_command("migrate", interactive=False, verbosity=0)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATE_LOCK])
