"""``wirewatch entities ...``: load the seed gazetteer, export/import it as CSV, rescan stored articles."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

MAX_IMPORT_BYTES = 50 * 1024 * 1024


def cmd_load(args: argparse.Namespace) -> int:
    from wirewatch.entities.gazetteer import read_seed, save_rows

    count = save_rows(read_seed(Path(args.file)) if args.file else read_seed())
    print(f"loaded {count} entities")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from wirewatch.entities.gazetteer import export_csv

    if args.csv == "-":
        count = export_csv(sys.stdout)
    else:
        with open(args.csv, "w", encoding="utf-8", newline="") as out:
            count = export_csv(out)
    print(f"exported {count} entities", file=sys.stderr)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from wirewatch.entities.gazetteer import GazetteerError, import_csv

    path = Path(args.file)
    if not path.is_file():
        raise ValueError(f"{path}: no such file")
    if path.stat().st_size > MAX_IMPORT_BYTES:
        raise ValueError(f"{path}: larger than {MAX_IMPORT_BYTES // 1024 // 1024} MB")
    try:
        count = import_csv(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise ValueError(f"{path}: not UTF-8 text") from None
    except GazetteerError as exc:
        raise ValueError(f"{path}: {exc}") from None
    print(f"imported {count} entities")
    return 0


def cmd_rescan(args: argparse.Namespace) -> int:
    from wirewatch.entities.rescan import rescan

    count = rescan(progress=not args.quiet)
    print(f"rescanned {count} articles")
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    entities = commands.add_parser("entities", help="the gazetteer of people, organisations and places")
    sub = entities.add_subparsers(required=True, metavar="ACTION")
    load = sub.add_parser("load", help="add/update the seed gazetteer (or a TOML file of the same layout)")
    load.add_argument("file", nargs="?", help="a gazetteer TOML file (default: the built-in seed)")
    load.set_defaults(func=cmd_load)
    export = sub.add_parser("export", help="write the gazetteer as CSV")
    export.add_argument("--csv", required=True, metavar="FILE", help="the CSV file to write (- for stdout)")
    export.set_defaults(func=cmd_export)
    imp = sub.add_parser("import", help="add/update entities from a CSV file (as written by export)")
    imp.add_argument("file")
    imp.set_defaults(func=cmd_import)
    rescan = sub.add_parser(
        "rescan", help="recompute mentions, appearances, text dates and near-duplicates of every article"
    )
    rescan.add_argument("--quiet", action="store_true", help="no progress output")
    rescan.set_defaults(func=cmd_rescan)
