"""``wirewatch doctor``: is this deployment configured and connected? One OK/FAIL/INFO line per check.

Run it on every host after a deploy (docs/deploy.md). It only reads, except one small probe file written to
and deleted from the WARC storage and one cache key. Exit status 1 if anything FAILed.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from wirewatch.scale.replica import check_replica

HEARTBEAT_FRESH = 60  # seconds: a worker silent for longer is gone (Dramatiq beats every few seconds)
QUEUE_WARN = 10_000


@dataclass(frozen=True)
class Check:
    status: str  # OK, FAIL or INFO
    name: str
    detail: str

    def line(self) -> str:
        return f"{self.status:<4} {self.name}: {self.detail}"


def check_database() -> Check:
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:
        return Check("FAIL", "database", f"{connection.vendor} unreachable: {exc}".strip())
    where = connection.settings_dict.get("HOST") or connection.settings_dict["NAME"]
    if pending:
        return Check("FAIL", "database", f"{len(pending)} migration(s) not applied: run `wirewatch migrate`")
    return Check("OK", "database", f"{connection.vendor} at {where}, migrated")


def _redis():
    from wirewatch.scale.limiter import connect

    return connect(settings.REDIS_URL)


def check_redis() -> Check:
    if not settings.REDIS_URL:
        return Check("INFO", "redis", "REDIS_URL not set: single-machine mode (no scheduler/workers)")
    try:
        _redis().ping()
        key = f"wirewatch:doctor:{uuid.uuid4().hex}"
        cache.set(key, "1", 10)
        if cache.get(key) != "1":
            return Check("FAIL", "redis", "the cache did not keep a value")
        cache.delete(key)
    except Exception as exc:
        return Check("FAIL", "redis", f"unreachable at {settings.REDIS_URL}: {exc}")
    return Check("OK", "redis", "reachable; cache read/write works")


def check_queue() -> Check:
    if not settings.REDIS_URL:
        return Check("INFO", "workers", "no queue in single-machine mode (`wirewatch watch` does the work)")
    from wirewatch.scale.tasks import NAMESPACE

    try:
        client = _redis()
        depth = {
            q: client.llen(f"{NAMESPACE}:{q}") + client.zcard(f"{NAMESPACE}:{q}.DQ")
            for q in ("poll", "fetch")
        }
        workers = client.zcount(f"{NAMESPACE}:__heartbeats__", (time.time() - HEARTBEAT_FRESH) * 1000, "+inf")
    except Exception as exc:
        return Check("FAIL", "workers", f"cannot read the queue: {exc}")
    detail = f"{workers} live worker process(es); queued: {depth['poll']} poll, {depth['fetch']} fetch"
    stuck = sum(depth.values()) and not workers
    return Check("FAIL" if stuck or sum(depth.values()) > QUEUE_WARN else "OK", "workers", detail)


def check_warc_storage() -> Check:
    probe = f"doctor-{uuid.uuid4().hex}.probe"
    try:
        if settings.WARC_STORAGE == "s3":
            from django.core.files.storage import storages

            storage = storages["warc"]
            storage.save(probe, ContentFile(b"ok"))
            storage.delete(probe)
            where = f"s3 bucket {storage.bucket_name}"
        else:
            settings.WARC_DIR.mkdir(parents=True, exist_ok=True)
            (settings.WARC_DIR / probe).write_bytes(b"ok")
            (settings.WARC_DIR / probe).unlink()
            where = str(settings.WARC_DIR)
    except Exception as exc:
        return Check("FAIL", "warc storage", f"not writable: {exc}")
    return Check("OK", "warc storage", f"{where} writable")


def check_korean_analyser() -> Check:
    from wirewatch.search.analyser import AnalyserUnavailable, SharedAnalyser

    path = settings.WIREWATCH_KOREAN_ANALYSER
    if not path:
        return Check(
            "INFO",
            "korean analyser",
            "WIREWATCH_KOREAN_ANALYSER not set: each process that analyses Korean loads kiwi (~300 MB)",
        )
    try:
        SharedAnalyser(path).tokenize(["조선로동당"], wait=False)
    except (AnalyserUnavailable, ValueError) as exc:
        return Check("FAIL", "korean analyser", f"{exc}: start `wirewatch analyser` on this host")
    return Check("OK", "korean analyser", f"answering on {path}")


def check_hosts() -> Check:
    hosts = settings.ALLOWED_HOSTS
    if not hosts or "*" in hosts:
        return Check(
            "FAIL", "allowed hosts", f"{hosts!r}: name the public host names (WIREWATCH_ALLOWED_HOSTS)"
        )
    return Check("OK", "allowed hosts", ", ".join(hosts))


def check_secret() -> Check:
    if os.environ.get("WIREWATCH_SECRET_KEY"):
        return Check("OK", "secret key", "set in the environment")
    if settings.DATABASE_URL_SET:
        return Check("FAIL", "secret key", "set WIREWATCH_SECRET_KEY: each web host would generate its own")
    return Check(
        "OK", "secret key", f"generated and kept in {settings.DATA_DIR / 'secret.key'} (single machine)"
    )


def check_modes() -> list[Check]:
    debug = Check(
        "FAIL" if settings.DEBUG else "OK", "debug", "on: never in production" if settings.DEBUG else "off"
    )
    private = (
        "on: every page needs a login or token" if settings.WIREWATCH_PRIVATE else "off: pages are public"
    )
    https = "on (secure cookies)" if settings.HTTPS else "off: set WIREWATCH_HTTPS=1 behind TLS"
    return [debug, Check("INFO", "private mode", private), Check("INFO", "https", https)]


CHECKS: list[Callable[[], Check | list[Check]]] = [
    check_database,
    check_replica,
    check_redis,
    check_queue,
    check_warc_storage,
    check_korean_analyser,
    check_hosts,
    check_secret,
    check_modes,
]


def run_checks() -> list[Check]:
    results: list[Check] = []
    for check in CHECKS:
        outcome = check()
        results.extend(outcome if isinstance(outcome, list) else [outcome])
    return results


def run_doctor() -> int:
    results = run_checks()
    for result in results:
        print(result.line())
    return 1 if any(r.status == "FAIL" for r in results) else 0
