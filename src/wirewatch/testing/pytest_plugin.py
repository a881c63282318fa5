"""Loaded before Django is set up, so that every test run gets its own empty data directory.

Helpers running the suite side by side must never share a database file or a WARC directory.
"""

import os
import tempfile

os.environ.setdefault("WIREWATCH_DATA_DIR", tempfile.mkdtemp(prefix="wirewatch-test-"))
# Scale-out runs (REDIS_URL set): this run's keys, locks and task queues apart from another run's.
os.environ.setdefault(
    "WIREWATCH_REDIS_PREFIX", "wirewatch-" + os.path.basename(os.environ["WIREWATCH_DATA_DIR"])
)
# Test sources are local servers on loopback: the SSRF guard must be told (deployments refuse them by default).
os.environ.setdefault("WIREWATCH_ALLOW_INTERNAL_SOURCES", "127.0.0.0/8,::1/128")
# Tests store then read at once, through servers they start too: the micro-cache (serving/microcache.py) is off
# unless a test turns it on (tests/serving/test_microcache.py) or the run sets it.
os.environ.setdefault("WIREWATCH_MICROCACHE_SECONDS", "0")


import pytest  # noqa: E402

SCALE_VARIABLES = ("DATABASE_URL", "REDIS_URL")


def pytest_sessionstart(session: pytest.Session) -> None:
    """On the PostgreSQL + Redis pass, the suite itself uses them (settings read them already), but the
    ``wirewatch`` subprocesses that tests start on a fresh data directory are a user's single machine: they
    must not share the suite's database. Scale-out tests pass the test database to their processes."""
    from django.conf import settings

    settings.DATABASES  # noqa: B018 (read now, before the variables go)
    for name in SCALE_VARIABLES:
        os.environ.pop(name, None)


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts with empty caches: rolled-back tests reuse row ids, and cached pages are keyed by ids."""
    from django.core.cache import caches

    for alias in ("default", "local"):
        _clear(caches[alias])
    yield


def _clear(cache) -> None:
    """Empty one cache. Django's Redis backend clears with FLUSHDB, the whole Redis database: every other run
    sharing the server (its task queues, leases, cached pages) would lose everything. Only this run's keys go,
    its task queues too: a message a test's killed worker left behind must not reach the next test's workers."""
    from django.core.cache.backends.redis import RedisCache

    if not isinstance(cache, RedisCache):
        cache.clear()
        return
    from wirewatch.scale.tasks import NAMESPACE

    client = cache._cache.get_client(write=True)  # noqa: SLF001 (the backend exposes no prefix-scoped clear)
    for pattern in (f"{cache.key_prefix}:*", f"{NAMESPACE}:*"):
        for key in client.scan_iter(match=pattern, count=1000):
            client.delete(key)


@pytest.fixture(scope="session", autouse=True)
def _no_stray_sessions_at_teardown(django_db_setup, django_db_blocker):
    """PostgreSQL refuses DROP DATABASE while any session is connected, so a connection still held at the end by
    a daemon thread (a micro-cache refresher, a test server's thread) leaked the test database of the run.
    Torn down before pytest-django's ``django_db_setup`` (it depends on it): end those sessions first."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
