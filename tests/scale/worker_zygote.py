"""A factory of scale-out processes for kill -9 tests: Django and Dramatiq load once, each worker or scheduler
is a forked child.

Starting ``wirewatch worker`` costs seconds of imports on a busy machine; forking a loaded parent costs
milliseconds, so a test can kill and replace 50 processes while the ingest is still running. Each child is a
whole ``wirewatch worker`` (its own Dramatiq broker id, connections, WARC writer, threads) or ``wirewatch
scheduler`` and dies by SIGKILL with no cleanup, like a killed process on a real host.

Protocol on stdin/stdout, one line each: ``worker`` or ``scheduler`` -> the child's pid; ``reap PID`` -> its
wait status.
"""

from __future__ import annotations

import os
import sys
import uuid

THREADS = 4
TICK = 0.2


def child(kind: str) -> None:
    from wirewatch.scale.run import run_scheduler, run_worker
    from wirewatch.scale.tasks import broker

    # The broker was made in the parent: without a new id every child would share one heartbeat and one set
    # of unacknowledged messages, and a killed child's messages would never count as a dead worker's.
    broker.broker_id = str(uuid.uuid4())
    code = run_worker(threads=THREADS) if kind == "worker" else run_scheduler(tick=TICK)
    os._exit(code)


def warm_up() -> None:
    """Imports and first-use costs paid once in the parent, so that a child works from its first second."""
    from tests.faults.zygote import warm_up as watcher_warm_up
    from wirewatch.scale import run, tasks  # noqa: F401 (the actors and the broker, not yet connected)
    from wirewatch.search import postgres  # noqa: F401 (the search backend a worker's first store loads)

    watcher_warm_up()


def main() -> None:
    from django.db import connections

    from wirewatch.cli import setup

    setup()
    warm_up()
    connections.close_all()  # a connection must never be shared across fork (redis-py's pools reset by pid)
    for line in sys.stdin:
        command, _, argument = line.strip().partition(" ")
        if command in ("worker", "scheduler"):
            pid = os.fork()
            if pid == 0:
                child(command)
            print(pid, flush=True)
        elif command == "reap":
            print(os.waitpid(int(argument), 0)[1], flush=True)


if __name__ == "__main__":
    main()
