"""``wirewatch scheduler``, ``wirewatch worker`` and ``wirewatch doctor``."""

from __future__ import annotations

import argparse
import sys


def _redis_problem(ping: bool = True) -> str | None:
    """Why scale-out mode cannot start here (None when Redis answers, or is configured when not ``ping``),
    said plainly instead of a traceback."""
    from django.conf import settings

    if not settings.REDIS_URL:
        return (
            "scheduler and worker need REDIS_URL (scale-out mode, docs/deploy.md); on one machine use `watch`"
        )
    if not ping:
        return None
    from wirewatch.scale.limiter import connect

    try:
        connect(settings.REDIS_URL).ping()
    except Exception as exc:
        return f"Redis at {settings.REDIS_URL} does not answer: {exc}"
    return None


def cmd_scheduler(args: argparse.Namespace) -> int:
    from wirewatch.scale.run import run_scheduler

    # The looping scheduler waits for Redis to come (run.py logs the outage); a one-shot `--once` says why it
    # cannot queue and exits.
    if problem := _redis_problem(ping=args.once):
        print(f"wirewatch: {problem}", file=sys.stderr)
        return 2
    return run_scheduler(once=args.once, tick=args.tick)


def cmd_worker(args: argparse.Namespace) -> int:
    from wirewatch.scale.run import run_worker

    if problem := _redis_problem():
        print(f"wirewatch: {problem}", file=sys.stderr)
        return 2
    return run_worker(threads=args.threads, queues=args.queue)


def cmd_doctor(args: argparse.Namespace) -> int:
    from wirewatch.serving.doctor import run_doctor

    return run_doctor()


def add_commands(commands: argparse._SubParsersAction) -> None:
    scheduler = commands.add_parser("scheduler", help="scale-out: queue each source's polls when due")
    scheduler.add_argument("--once", action="store_true", help="queue a poll of every enabled source, exit")
    scheduler.add_argument("--tick", type=float, default=5.0, help="seconds between looks for due sources")
    scheduler.set_defaults(func=cmd_scheduler)
    worker = commands.add_parser("worker", help="scale-out: poll, fetch and store what the scheduler queued")
    worker.add_argument("--threads", type=int, default=8, help="messages handled at once (default 8)")
    worker.add_argument("--queue", action="append", choices=["poll", "fetch"], help="only these queues")
    worker.set_defaults(func=cmd_worker)
    doctor = commands.add_parser("doctor", help="check this deployment's configuration and connectivity")
    doctor.set_defaults(func=cmd_doctor, migrate=False)
