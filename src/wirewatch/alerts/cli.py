"""``wirewatch alerts deliver [--once]`` and ``wirewatch alerts list``."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading


def cmd_deliver(args: argparse.Namespace) -> int:
    from wirewatch.alerts.dispatch import dispatch_once, run

    if args.once:
        report = dispatch_once()
        print(
            f"matched {report.matched} queued items, sent {report.sent} alerts, {len(report.failed)} failures"
        )
        for failure in report.failed:
            print(f"  failed: {failure}", file=sys.stderr)
        return 0
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        run(stop, tick=args.tick)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from django.db.models import Count, Q

    from wirewatch.alerts.models import Delivery, Subscription

    rows = Subscription.objects.select_related("owner").annotate(
        sent=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.SENT)),
        pending=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.PENDING)),
        failed=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED)),
    )
    for s in rows.order_by("owner__username", "id"):
        target = (
            s.query
            or (s.article_id and f"article {s.article_id}")
            or (s.source_id and f"source {s.source_id}")
        )
        print(f"{s.pk}\t{s.owner}\t{s.kind}\t{s.channel}/{s.frequency}\t{target or 'all'}\t"
              f"sent {s.sent} pending {s.pending} failed {s.failed}")  # fmt: skip
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    alerts = commands.add_parser("alerts", help="saved searches and alerts")
    sub = alerts.add_subparsers(dest="alerts_command", required=True)
    deliver = sub.add_parser("deliver", help="match stored articles and send due alerts (forever, or --once)")
    deliver.add_argument("--once", action="store_true", help="one round, then exit")
    deliver.add_argument("--tick", type=float, default=5.0, help="seconds between rounds (default 5)")
    deliver.set_defaults(func=cmd_deliver)
    sub.add_parser("list", help="every saved search and follow, with delivery counts").set_defaults(
        func=cmd_list
    )
