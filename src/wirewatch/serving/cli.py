"""``wirewatch check``, ``wirewatch backup`` and ``wirewatch restore`` (docs/operations.md)."""

from __future__ import annotations

import argparse
import sys

# The names of wirewatch.serving.check.CHECKS (not imported here: models load only after setup()).
CHECK_NAMES = ("database", "versions", "warc", "search", "derived")


def cmd_check(args: argparse.Namespace) -> int:
    from wirewatch.serving.check import repair, run_checks

    findings = run_checks(args.only, full=args.full)
    for finding in findings:
        print(finding.line())
    if args.repair and any(f.needs_repair for f in findings):
        for action in repair(findings):
            print(f"REPAIRED {action}")
        findings = run_checks(args.only, full=args.full)
        for finding in findings:
            print(finding.line())
    failed = [f.name for f in findings if not f.ok]
    print(f"FAIL: {', '.join(failed)}" if failed else "OK: all checks passed", file=sys.stderr)
    return 1 if failed else 0


def _run_checks_after(label: str) -> int:
    from wirewatch.serving.check import run_checks

    findings = run_checks()
    for finding in findings:
        print(finding.line())
    ok = all(f.ok for f in findings)
    print(f"{label}: {'OK' if ok else 'FAIL'}", file=sys.stderr)
    return 0 if ok else 1


def cmd_backup(args: argparse.Namespace) -> int:
    from wirewatch.serving.backup import BackupError, backup, verify_backup

    try:
        report = backup(args.dest)
        if args.verify:
            verify_backup(args.dest)
    except BackupError as exc:
        print(f"wirewatch: {exc}", file=sys.stderr)
        return 2
    counts = ", ".join(f"{v:,} {k}" for k, v in report.counts.items())
    print(f"backed up {counts}: {report.files} files, {report.bytes:,} bytes in {report.path}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    from wirewatch.serving.backup import BackupError, restore

    try:
        manifest = restore(args.src, force=args.force)
    except BackupError as exc:
        print(f"wirewatch: {exc}", file=sys.stderr)
        return 2
    call_command("migrate", interactive=False, verbosity=0)  # a backup from an older release
    counts = ", ".join(f"{v:,} {k}" for k, v in manifest["counts"].items())
    print(f"restored {counts} from a backup of {manifest['created']} (checksums verified)")
    return _run_checks_after("restored copy") if args.verify else 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    check = commands.add_parser("check", help="integrity of the database, versions, WARC files, search index")
    check.add_argument(
        "--repair", action="store_true", help="rebuild what is derived (index, ...); never versions"
    )
    check.add_argument("--full", action="store_true", help="PRAGMA integrity_check instead of quick_check")
    check.add_argument("--only", action="append", default=[], choices=CHECK_NAMES, help="run only this check")
    check.set_defaults(func=cmd_check)
    backup = commands.add_parser("backup", help="copy the database and WARC files, online, to a new folder")
    backup.add_argument("dest", help="a folder that does not exist yet or is empty")
    backup.add_argument("--verify", action="store_true", help="re-read the copy against its manifest")
    backup.set_defaults(func=cmd_backup)
    restore = commands.add_parser("restore", help="restore a backup into this (empty) data directory")
    restore.add_argument("src", help="a folder written by wirewatch backup")
    restore.add_argument("--force", action="store_true", help="replace the data already here")
    restore.add_argument(
        "--verify", action="store_true", help="then run wirewatch check on the restored data"
    )
    restore.set_defaults(func=cmd_restore)
