"""``wirewatch recheck``, ``wirewatch archive export`` and ``wirewatch import warc``."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path


def _since(value: str) -> datetime:
    """An ISO 8601 date or date-time; naive ones are UTC."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date: {value!r} (e.g. 2026-11-01)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"not a whole number of at least 1: {value!r}")
    return int(value)


def _positive_or_zero(value: str) -> int:
    return 0 if value == "0" else _positive(value)


def _source(slug: str | None):
    from wirewatch.sources.models import Source

    if slug is None:
        return None
    source = Source.objects.filter(slug=slug).first()
    if source is None:
        raise ValueError(f"no source {slug!r} (see `wirewatch sources list`)")
    return source


def cmd_recheck(args: argparse.Namespace) -> int:
    from wirewatch.watch.recheck_run import recheck_now, report_line

    if not args.all and not args.source:
        print("wirewatch recheck: name a --source or use --all", file=sys.stderr)
        return 2
    for slug in args.source:
        _source(slug)
    reports = recheck_now(args.source, everything=not args.due)
    for report in reports:
        print(report_line(report), file=sys.stdout if report.ok else sys.stderr)
    return 0 if all(report.ok for report in reports) else 1


def cmd_export(args: argparse.Namespace) -> int:
    from wirewatch.archive.warcexport import export_warc

    report = export_warc(args.since, Path(args.output), source=_source(args.source))
    names = ", ".join(str(path) for path in report.files) or "no file (nothing to export)"
    print(f"exported {report.exchanges} exchanges to {names}; {report.missing} missing")
    return 0 if not report.missing else 1


def cmd_import_warc(args: argparse.Namespace) -> int:
    from wirewatch.archive.warcimport import import_warcs, stderr_progress

    missing = [path for path in args.files if not Path(path).is_file()]
    if missing:
        raise ValueError(f"no such file: {missing[0]}")
    r = import_warcs(
        args.files,
        source=_source(args.source),
        progress=None if args.quiet else stderr_progress,
        workers=args.workers,
        batch=args.batch,
    )
    print(f"imported {r.files} file(s): {r.records} records, {r.pages} pages, {r.new_articles} new articles, "
          f"{r.new_versions} new versions, {r.already_stored} already stored, {r.unknown_host} of unknown hosts, "
          f"{r.not_articles} not articles, {r.truncated} truncated")  # fmt: skip
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    recheck = commands.add_parser("recheck", help="re-fetch stored articles now: new versions, removals")
    recheck.add_argument("--source", action="append", default=[], help="only this source slug (repeatable)")
    recheck.add_argument("--all", action="store_true", help="every enabled source")
    recheck.add_argument("--due", action="store_true", help="only articles whose re-check is due")
    recheck.set_defaults(func=cmd_recheck)

    archive = commands.add_parser("archive", help="the WARC archive").add_subparsers(required=True)
    export = archive.add_parser(
        "export", help="write the WARC records of fetches since a date to a directory"
    )
    export.add_argument("--since", required=True, type=_since, help="ISO date, e.g. 2026-11-01")
    export.add_argument("--source", help="only this source's fetches")
    export.add_argument("--output", required=True, help="directory for the WARC file(s)")
    export.set_defaults(func=cmd_export)

    importing = commands.add_parser("import", help="backfill articles").add_subparsers(required=True)
    warc = importing.add_parser("warc", help="import article pages from WARC files (ours or a crawler's)")
    warc.add_argument("files", nargs="+", help="WARC files (.warc or .warc.gz)")
    warc.add_argument("--source", help="store every page under this source, whatever its host")
    warc.add_argument("--quiet", action="store_true", help="no progress line")
    warc.add_argument("--batch", type=_positive, default=50, help="pages per transaction (default 50)")
    warc.add_argument(
        "--workers",
        type=_positive_or_zero,
        help="extraction processes (default: cores - 1 for inputs over 8 MB, else 0)",
    )
    warc.set_defaults(func=cmd_import_warc)
