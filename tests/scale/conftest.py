"""Scale-out tests need PostgreSQL and Redis: they run in CI's second pass (`make test-scale`).

On the SQLite pass they are skipped (the suite's database is not PostgreSQL). When the run *is* configured for
PostgreSQL + Redis but one of them does not answer, they skip on a developer's machine and fail under CI=true.
"""

import os

import pytest
from django.conf import settings
from django.db import connection


def _unavailable(reason: str) -> None:
    # The suite's own database tells which pass this is (the plugin hides DATABASE_URL from subprocesses).
    if os.environ.get("CI") == "true" and connection.vendor == "postgresql":
        pytest.fail(f"{reason}, and CI's PostgreSQL + Redis pass must run the scale-out tests")
    pytest.skip(reason)


@pytest.fixture
def scale_services(transactional_db):
    """The suite's PostgreSQL test database and Redis, or a skip (a failure in CI's scale pass)."""
    if connection.vendor != "postgresql":
        _unavailable(f"needs PostgreSQL (DATABASE_URL), this run uses {connection.vendor}")
    if not settings.REDIS_URL:
        _unavailable("needs Redis (REDIS_URL)")
    from wirewatch.scale.limiter import connect

    try:
        connect(settings.REDIS_URL).ping()
    except Exception as exc:
        _unavailable(f"Redis at {settings.REDIS_URL} does not answer: {exc}")
    from wirewatch.search.postgres import TABLE

    # transactional_db's flush empties the models' tables only; the search index is a table of its own, and rows
    # a previous test left there would show as stale to `wirewatch check`.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
    return connection.settings_dict
