"""``wirewatch watch``: poll once and report, or keep watching until interrupted."""

from __future__ import annotations

import logging
import signal
import sys

from wirewatch.watch.loop import Watcher, run_once
from wirewatch.watch.pipeline import PollReport

log = logging.getLogger(__name__)


def report_line(report: PollReport) -> str:
    line = f"{report.source}: {report.new_articles} new, {report.discovered} found"
    if report.failed:
        line += f", {len(report.failed)} failed"
    problems = report.errors + report.rules_broken
    if report.throttled_for:
        problems.append(f"throttled: retry in {report.throttled_for:.0f} s")
    return line + (f" — {'; '.join(problems)}" if problems else "")


def watch_once(slugs: list[str]) -> int:
    """Exit status 0 when every source polled cleanly, 1 otherwise (the reports say which and why)."""
    reports = run_once(slugs)
    if not reports:
        print("no sources to poll: add one with `wirewatch sources add`", file=sys.stderr)
        return 1
    for report in reports:
        print(report_line(report), file=sys.stdout if report.ok else sys.stderr)
    return 0 if all(report.ok for report in reports) else 1


def watch(*, once: bool = False, slugs: list[str] | None = None) -> int:
    if once:
        return watch_once(slugs or [])
    watcher = Watcher()
    signal.signal(signal.SIGTERM, lambda *_: watcher.stop.set())
    try:
        watcher.run()
    except KeyboardInterrupt:
        watcher.stop.set()
    return 0
