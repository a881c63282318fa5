"""The delivery loop: match what the queue holds, look at source health, then send what is due.

Runs standalone (``wirewatch alerts deliver``) or as a thread of the watcher (``start_thread``). Every step is
safe to repeat and to run in several processes at once; a process killed at any point loses nothing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django.utils import timezone

from wirewatch.alerts import health, matching, outbox
from wirewatch.alerts.channels import SendError, send
from wirewatch.alerts.models import Delivery, Subscription
from wirewatch.alerts.wakeup import work_waiting

log = logging.getLogger(__name__)
DATABASE_ERRORS = (OperationalError, InterfaceError)  # refused, gone, locked: the database away, not a bug


@dataclass
class Report:
    matched: int = 0
    sent: int = 0
    failed: list[str] = field(default_factory=list)


def _groups(rows: list[Delivery]) -> list[list[Delivery]]:
    """Immediate rows go one by one; a digest subscription's due rows go together, as one message."""
    digests: dict[int, list[Delivery]] = defaultdict(list)
    groups = []
    for row in rows:
        if row.subscription.frequency == Subscription.Frequency.DIGEST:
            digests[row.subscription_id].append(row)
        else:
            groups.append([row])
    return groups + list(digests.values())


def send_due(limit: int = 50) -> tuple[int, list[str]]:
    sent, failed = 0, []
    for group in _groups(outbox.claim(timezone.now(), limit)):
        subscription = group[0].subscription
        try:
            send(subscription, group)
        except SendError as exc:
            outbox.mark_failed(group, str(exc))
            failed.append(f"{subscription.name}: {exc}")
            continue
        outbox.mark_sent(group)  # the crash window: sent but not marked → one resend with the same key
        sent += len(group)
    return sent, failed


def dispatch_once() -> Report:
    report = Report(matched=matching.process_queue())
    health.check_if_due()
    report.sent, report.failed = send_due()
    return report


def run(stop: threading.Event, tick: float = 5.0) -> None:
    """Until ``stop``: dispatch, then sleep until the next tick or until a stored article wakes us."""
    down_since = None
    log.info("alert delivery started: a round every %.1f s", tick)
    while not stop.is_set():
        down_since = _round(down_since, tick)
        _sleep(stop, tick)
    connection.close()


def _round(down_since: float | None, tick: float) -> float | None:
    """One dispatch. Returns when the current database outage began, or None while the database answers.

    The database away (stopped, restarting, locked) is an operating condition, not a bug: one warning when
    it starts, one line when it ends, and a retry every tick in between; a traceback per tick would bury
    the log. Other errors are bugs: logged whole, and delivery goes on next tick."""
    try:
        close_old_connections()
        dispatch_once()
    except DATABASE_ERRORS as exc:
        connection.close()  # a broken connection is not reused by the next round
        if down_since is None:
            log.warning("alert delivery paused: database unavailable (%s); retrying every %.0f s", exc, tick)
            return time.monotonic()
        return down_since
    except Exception:  # a bug must not end alert delivery for good
        log.exception("alert dispatch failed; trying again next tick")
        return down_since
    if down_since is not None:
        log.warning("database back: alert delivery resumed after %.0f s", time.monotonic() - down_since)
    return None


def _sleep(stop: threading.Event, tick: float) -> None:
    """Until the tick ends, a stored article wakes us, or we are told to stop (checked 4 times a second, so
    the watcher's stop is never held up by a whole tick)."""
    deadline = time.monotonic() + tick
    while not stop.is_set() and time.monotonic() < deadline:
        if work_waiting.wait(min(0.25, max(0.0, deadline - time.monotonic()))):
            break
    work_waiting.clear()


def start_thread(stop: threading.Event, tick: float = 5.0) -> threading.Thread:
    """The loop in a daemon thread of the watcher (the watcher's stop event ends it)."""
    thread = threading.Thread(target=run, args=(stop, tick), name="wirewatch-alerts", daemon=True)
    thread.start()
    return thread
