"""``wirewatch scheduler`` and ``wirewatch worker``: the watcher split in two for scale-out mode.

The scheduler only decides *when*: it claims each due source in the database (so two schedulers never queue
the same poll) and queues a ``poll`` message. Workers do the fetching, on as many hosts as you like.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import redis
from django.db import close_old_connections, transaction
from django.utils import timezone

from wirewatch.sources.models import Source

log = logging.getLogger(__name__)
# Redis refused, reset, timed out or still loading its data: the queue is away, an operating condition, not a bug.
REDIS_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
RETRY_MAX = 60.0  # seconds: the longest wait between two tries while Redis is away


def claim_due(now: datetime | None = None, then: Callable[[int], object] = lambda pk: None) -> list[int]:
    """Ids of the due sources this call claimed: their next poll is pushed one interval on, atomically.

    ``then(pk)`` runs inside the claim's transaction: a scheduler killed between the two either committed
    both (the poll is queued) or neither (the source is still due and the next tick claims it again). Queued
    after the commit instead, a kill in between would skip the source for a whole poll interval."""
    now = now or timezone.now()
    claimed = []
    for source in Source.objects.filter(enabled=True, next_poll_at__lte=now).only("pk", "poll_interval"):
        later = now + timedelta(seconds=source.poll_interval)
        with transaction.atomic():
            won = Source.objects.filter(pk=source.pk, next_poll_at__lte=now).update(next_poll_at=later)
            if won:
                then(source.pk)  # queued but not committed, if killed here: a second poll, which is harmless
        if won:
            claimed.append(source.pk)
    return claimed


def schedule_once(*, everything: bool = False) -> int:
    """Queue a poll of each due source (each enabled source with ``everything``); return how many."""
    from wirewatch.scale.tasks import poll

    if everything:
        Source.objects.filter(enabled=True).update(next_poll_at=timezone.now())
    return len(claim_due(then=poll.send))


def _stop_event() -> threading.Event:
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    return stop


def run_scheduler(*, once: bool = False, tick: float = 5.0) -> int:
    if once:
        print(f"queued {schedule_once(everything=True)} poll(s)")
        return 0
    stop = _stop_event()
    outage = None
    while not stop.is_set():
        close_old_connections()
        outage = _schedule_round(outage, tick)
        stop.wait(outage.wait(tick) if outage else tick)
    return 0


@dataclass
class _Outage:
    """Redis away since ``since`` (monotonic), ``tries`` failed rounds so far."""

    since: float
    tries: int = 1

    def wait(self, tick: float) -> float:
        """Seconds until the next try: the tick, doubling with each failed try, at most RETRY_MAX."""
        return min(RETRY_MAX, tick * 2 ** (self.tries - 1))


def _schedule_round(outage: _Outage | None, tick: float) -> _Outage | None:
    """One look for due sources. Returns the current Redis outage, or None while Redis answers.

    As alert delivery does for the database (alerts/dispatch.py): one warning when the outage starts, one line
    when it ends, no traceback per try. A poll whose message could not be queued was not claimed either (its
    claim rolls back with the failed send, claim_due), so it is queued once Redis is back."""
    from wirewatch.scale.tasks import broker

    try:
        broker.client.ping()  # every round, so an outage shows (and its end) even when nothing is due
        queued = schedule_once()
    except REDIS_ERRORS as exc:
        if outage is None:
            log.warning(
                "scheduling paused: Redis unavailable (%s); retrying in %g s, backing off up to %g s",
                exc,
                tick,
                RETRY_MAX,
            )
            return _Outage(time.monotonic())
        outage.tries += 1
        return outage
    if outage is not None:
        log.warning("Redis back: scheduling resumed after %.0f s", time.monotonic() - outage.since)
    if queued:
        log.info("queued %d poll(s)", queued)
    return None


def run_worker(*, threads: int = 8, queues: list[str] | None = None) -> int:
    """Consume poll and fetch messages until SIGTERM/SIGINT; finishes the messages in hand before exiting."""
    import dramatiq

    from wirewatch.scale.storage import upload_periodically
    from wirewatch.scale.tasks import broker, shared_client

    stop = _stop_event()
    worker = dramatiq.Worker(broker, worker_threads=threads, queues=set(queues) if queues else None)
    worker.start()
    _maintain_periodically(broker, stop)
    uploads_stop = threading.Event()
    uploads = upload_periodically(uploads_stop)
    log.info("worker started with %d threads", threads)
    stop.wait()
    worker.stop(timeout=60_000)
    client = shared_client()
    client.close()
    if client.warc is not None:
        client.warc.close()  # closed under its final name, so the last upload below takes it
    uploads_stop.set()
    uploads.join(timeout=120)
    return 0


def _maintain_periodically(broker: object, stop: threading.Event) -> threading.Thread:
    """Requeue killed workers' messages every few seconds (tasks.Broker.maintain says why)."""
    from wirewatch.scale.tasks import MAINTAIN_EVERY

    def loop() -> None:
        while not stop.wait(MAINTAIN_EVERY):
            for queue_name in sorted(broker.get_declared_queues() | broker.get_declared_delay_queues()):
                try:
                    broker.maintain(queue_name)
                except Exception as exc:  # Redis away for a moment: the consumers say so too; try again later
                    log.warning("queue maintenance of %s failed: %s", queue_name, exc)

    thread = threading.Thread(target=loop, name="queue-maintenance", daemon=True)
    thread.start()
    return thread
