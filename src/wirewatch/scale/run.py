"""``wirewatch scheduler`` and ``wirewatch worker``: the watcher split in two for scale-out mode.

The scheduler only decides *when*: it claims each due source in the database (so two schedulers never queue
the same poll) and queues a ``poll`` message. Workers do the fetching, on as many hosts as you like.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import close_old_connections, transaction
from django.utils import timezone

from wirewatch.sources.models import Source

log = logging.getLogger(__name__)


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
    while not stop.is_set():
        close_old_connections()
        if queued := schedule_once():
            log.info("queued %d poll(s)", queued)
        stop.wait(tick)
    return 0


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
