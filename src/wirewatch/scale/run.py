"""``wirewatch scheduler`` and ``wirewatch worker``: the watcher split in two for scale-out mode.

The scheduler only decides *when*: it claims each due source in the database (so two schedulers never queue
the same poll) and queues a ``poll`` message. Workers do the fetching, on as many hosts as you like.
"""

from __future__ import annotations

import logging
import signal
import threading
from datetime import datetime, timedelta

from django.db import close_old_connections, transaction
from django.utils import timezone

from wirewatch.sources.models import Source

log = logging.getLogger(__name__)


def claim_due(now: datetime | None = None) -> list[int]:
    """Ids of the due sources this call claimed: their next poll is pushed one interval on, atomically."""
    now = now or timezone.now()
    claimed = []
    for source in Source.objects.filter(enabled=True, next_poll_at__lte=now).only("pk", "poll_interval"):
        later = now + timedelta(seconds=source.poll_interval)
        with transaction.atomic():
            won = Source.objects.filter(pk=source.pk, next_poll_at__lte=now).update(next_poll_at=later)
        if won:
            claimed.append(source.pk)
    return claimed


def schedule_once(*, everything: bool = False) -> int:
    """Queue a poll of each due source (each enabled source with ``everything``); return how many."""
    from wirewatch.scale.tasks import poll

    if everything:
        Source.objects.filter(enabled=True).update(next_poll_at=timezone.now())
    ids = claim_due()
    for source_id in ids:
        poll.send(source_id)
    return len(ids)


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
