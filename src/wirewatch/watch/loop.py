"""Running polls: once over every source (``watch --once``), or forever on each source's schedule.

Sources are grouped by host and each group is polled by one thread, so different hosts are polled in
parallel while one host never sees two of our requests at once (the fetcher's limiter enforces that too).
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django.utils import timezone

from wirewatch.fetching.client import PoliteClient
from wirewatch.fetching.warc import WarcWriter, recover_open_files
from wirewatch.sources.models import Source
from wirewatch.watch.pipeline import FetchAll, PollReport, poll_source
from wirewatch.watch.recheck import recheck_due_safely

log = logging.getLogger(__name__)
MAX_THREADS = 8
DB_BACKOFF_MAX = 60.0  # seconds between two tries while the database is unavailable


def make_client() -> PoliteClient:
    recover_open_files(settings.WARC_DIR)  # files a killed watcher left half-written: close them first
    return PoliteClient(warc=WarcWriter(settings.WARC_DIR, settings.WIREWATCH["WARC_MAX_BYTES"]))


def host_of(source: Source) -> str:
    urls = [*source.feeds, *source.listings, *source.sitemaps, source.home]
    return next((urlsplit(url).netloc for url in urls if url), source.slug)


def _poll_safely(client: PoliteClient, source: Source, fetch_all: FetchAll | None = None) -> PollReport:
    """A bug in one poll becomes that source's error status instead of killing the watcher."""
    try:
        return poll_source(client, source, fetch_all)
    except (OperationalError, InterfaceError) as exc:
        # The database is away, not a bug: no status can be written; the source stays due and is polled
        # again once the scheduler's backoff finds the database back (docs/operations.md).
        log.warning("poll of %s stopped: database unavailable (%s)", source.slug, exc)
        return PollReport(source.slug, errors=[f"database unavailable: {exc}"])
    except Exception as exc:
        log.exception("poll of %s failed", source.slug)
        message = f"internal error while polling: {type(exc).__name__}: {exc}"[:2000]
        Source.objects.filter(pk=source.pk).update(
            status=Source.Status.ERROR,
            status_message=message,
            last_polled_at=timezone.now(),
            next_poll_at=timezone.now() + timedelta(seconds=source.poll_interval),
        )
        return PollReport(source.slug, errors=[message])


def _poll_and_recheck(client: PoliteClient, source: Source) -> PollReport:
    """Poll, then re-check the source's due articles in the same thread: its host sees one request at a time."""
    report = _poll_safely(client, source)
    recheck_due_safely(client, source)
    return report


def _poll_group(client: PoliteClient, sources: list[Source], recheck: bool = False) -> list[PollReport]:
    try:
        poll = _poll_and_recheck if recheck else _poll_safely
        return [poll(client, source) for source in sources]
    finally:
        connection.close()  # each thread has its own connection: give it back


def _by_host(sources: Iterable[Source]) -> dict[str, list[Source]]:
    groups: dict[str, list[Source]] = defaultdict(list)
    for source in sources:
        groups[host_of(source)].append(source)
    return groups


def run_once(slugs: Iterable[str] = (), client: PoliteClient | None = None) -> list[PollReport]:
    """Poll every enabled source (or those named) once, fetching all new articles; return the reports."""
    sources = Source.objects.filter(enabled=True)
    if slugs := list(slugs):
        sources = sources.filter(slug__in=slugs)
    own_client = client is None
    client = client or make_client()
    try:
        groups = _by_host(sources)
        with ThreadPoolExecutor(max_workers=max(1, min(MAX_THREADS, len(groups)))) as pool:
            futures = [pool.submit(_poll_group, client, group) for group in groups.values()]
            return [report for future in futures for report in future.result()]
    finally:
        if own_client:
            client.close()


class Watcher:
    """Polls each source when it is due, until ``stop`` is set. One thread per busy host."""

    def __init__(self, client: PoliteClient | None = None, tick: float = 1.0) -> None:
        self.client = client or make_client()
        self.tick = tick
        self.stop = threading.Event()
        self.running: dict[str, Future] = {}
        self.db_backoff = 0.0

    def due_groups(self) -> dict[str, list[Source]]:
        due = Source.objects.filter(enabled=True, next_poll_at__lte=timezone.now())
        return {host: group for host, group in _by_host(due).items() if host not in self.running}

    def _schedule(self, pool: ThreadPoolExecutor) -> float:
        """Start the due polls; returns how long to wait. The database away (stopped, locked, unreadable):
        wait and retry, doubling up to DB_BACKOFF_MAX, instead of dying (docs/operations.md)."""
        try:
            close_old_connections()
            self.running = {host: f for host, f in self.running.items() if not f.done()}
            for host, group in self.due_groups().items():
                self.running[host] = pool.submit(_poll_group, self.client, group, True)
        except (OperationalError, InterfaceError) as exc:
            self.db_backoff = min(DB_BACKOFF_MAX, max(self.tick, self.db_backoff * 2))
            log.warning("database unavailable (%s): next try in %.0f s", exc, self.db_backoff)
            connection.close()
            return self.db_backoff
        if self.db_backoff:
            log.warning("database back: watching again")
        self.db_backoff = 0.0
        return self.tick

    def run(self) -> None:
        from wirewatch.alerts.dispatch import start_thread  # alert delivery runs beside the polls

        alerts = start_thread(self.stop)
        with ThreadPoolExecutor(max_workers=MAX_THREADS) as pool:
            while not self.stop.is_set():
                self.stop.wait(self._schedule(pool))
        alerts.join(timeout=60)  # let a send in progress finish and be marked
        self.client.close()
        connection.close()
