"""Reads of web requests from a PostgreSQL streaming replica (DATABASE_REPLICA_URL), everything else from the primary.

Django's database routers decide per query; ours sends a read to the replica only while ``read_from_replica``
(a middleware, first in the chain) has marked the current request as replica-safe, so the watcher, the
scheduler, the workers and every CLI command, which never pass through it, use the primary. A request is
replica-safe when it is a GET/HEAD, the replica answered, and the client has not written in the last
WIREWATCH_REPLICA_PIN_SECONDS: after a POST (PUT, PATCH, DELETE) the response sets a cookie holding the time
the pin ends, and until then that client reads from the primary, so it sees what it just saved even while the
replica replays a little behind. Inside ``transaction.atomic()`` reads go to the primary too (a
read-modify-write must see the rows it writes). A replica that does not answer is logged once and left alone
for RETRY_SECONDS: requests read from the primary meanwhile, never a 500.

The mark is a ContextVar: thread-safe under a threaded server, and copied into sync_to_async threads.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponse

log = logging.getLogger(__name__)
REPLICA = "replica"
PIN_COOKIE = "wirewatch_primary"
RETRY_SECONDS = 30.0
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

_reads_from_replica: ContextVar[bool] = ContextVar("wirewatch_reads_from_replica", default=False)
_down_until = 0.0  # time.monotonic() before which the replica is not tried again
_down_lock = threading.Lock()


class ReplicaRouter:
    """DATABASE_ROUTERS entry: reads to the replica inside replica-safe requests, all else to the primary.

    Always names an alias (never None): Django would otherwise fall back to the database an instance was
    read from, and a row read from the replica would then drag its related reads, or a write, along with it.
    """

    def db_for_read(self, model: type, **hints: Any) -> str:
        if _reads_from_replica.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: type, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the same rows on both: a replica is a copy of the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db != REPLICA  # a hot standby is read-only; it receives the schema by replication


def configured() -> bool:
    return REPLICA in connections.settings


def replica_answers() -> bool:
    """Whether the replica can serve this request's reads; opens (or health-checks) its connection."""
    global _down_until
    if time.monotonic() < _down_until:
        return False
    connection = connections[REPLICA]
    try:
        connection.close_if_health_check_failed()  # a persistent connection the replica dropped
        connection.ensure_connection()
    except DatabaseError as exc:
        with _down_lock:
            _down_until = time.monotonic() + RETRY_SECONDS
        log.warning("replica unreachable, reading from the primary for %.0f s: %s", RETRY_SECONDS, exc)
        connection.close()
        return False
    return True


def _pinned(request: HttpRequest) -> bool:
    try:
        return float(request.COOKIES.get(PIN_COOKIE, "0")) > time.time()
    except ValueError:
        return False


def _pin(response: HttpResponse) -> None:
    seconds = settings.REPLICA_PIN_SECONDS
    # The value is the end of the pin, checked on our side: a client that keeps the cookie longer gains nothing.
    response.set_cookie(PIN_COOKIE, f"{time.time() + seconds:.3f}", max_age=seconds, secure=settings.HTTPS,
                        httponly=True, samesite="Lax")  # fmt: skip


def read_from_replica(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[..., HttpResponse]:
    """Middleware: marks replica-safe requests (see the module docstring) and pins clients that wrote."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.method not in SAFE_METHODS:
            response = get_response(request)
            _pin(response)
            return response
        if _pinned(request) or not configured() or not replica_answers():
            return get_response(request)
        token = _reads_from_replica.set(True)
        try:
            return get_response(request)
        finally:
            _reads_from_replica.reset(token)

    return middleware


def check_replica():
    """``wirewatch doctor``: the replica answers, is a standby, and how far behind the primary it replays."""
    from wirewatch.serving.doctor import Check

    if not configured():
        return Check("INFO", "replica", "DATABASE_REPLICA_URL not set: every read goes to the primary")
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(
                "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text,"
                " EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())"
            )
            standby, replayed, age = cursor.fetchone()
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s::pg_lsn)", [replayed or "0/0"])
            behind = int(cursor.fetchone()[0])
    except DatabaseError as exc:
        return Check(
            "FAIL", "replica", f"unreachable: {exc}".strip() + " (web requests read from the primary)"
        )
    finally:
        connections[REPLICA].close()
    if not standby:
        return Check(
            "FAIL", "replica", "DATABASE_REPLICA_URL is not a standby (pg_is_in_recovery() is false)"
        )
    return _lag_check(behind, age)


def _lag_check(behind: int, age: float | None):
    from wirewatch.serving.doctor import Check

    if behind <= 0:
        return Check("OK", "replica", "streaming, replayed everything the primary wrote")
    # Bytes behind say little about time; the age of the last replayed commit is an upper bound of the delay.
    seconds = float(age) if age is not None else float("inf")
    detail = f"{behind:,} bytes of WAL behind; last replayed commit {seconds:.0f} s ago"
    if seconds > settings.REPLICA_PIN_SECONDS:
        return Check(
            "FAIL", "replica", f"{detail}: more than the {settings.REPLICA_PIN_SECONDS} s pin after a write"
        )
    return Check("OK", "replica", detail)
