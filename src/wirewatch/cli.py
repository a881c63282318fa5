"""The ``wirewatch`` command: a thin layer of argument parsing over the importable functions.

Every command works on a fresh, empty data directory: the database is created and migrated first.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from collections.abc import Sequence


def setup(migrate: bool = True) -> None:
    """Configure Django and bring the database schema up to date (a no-op when it already is)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wirewatch.settings")
    import django

    django.setup()
    if migrate:  # `doctor` does not: it reports an unreachable or unmigrated database instead
        from wirewatch.scale.schema import migrate as migrate_schema

        migrate_schema()


def cmd_sources_add(args: argparse.Namespace) -> int:
    from wirewatch.sources.services import add_source

    source = add_source(
        args.name,
        args.edition,
        args.language,
        slug=args.slug,
        timezone=args.timezone,
        home=args.home or "",
        feeds=args.feed,
        listings=args.listing,
        sitemaps=args.sitemap,
        delay=args.delay,
        poll_interval=args.poll_interval,
    )
    print(f"added {source.display_name} as {source.slug}")
    return 0


def cmd_sources_list(args: argparse.Namespace) -> int:
    from wirewatch.sources.status import source_rows, source_table

    rows = source_rows()
    print(json.dumps(rows, indent=2, ensure_ascii=False) if args.json else source_table(rows))
    return 0


def cmd_sources_add_pack(args: argparse.Namespace) -> int:
    from wirewatch.sources.packs import load_pack
    from wirewatch.sources.services import add_sources

    definitions = load_pack(args.pack)
    sources = add_sources(definitions, pack=os.path.basename(args.pack).removesuffix(".toml"))
    print(f"registered {len(sources)} sources from pack {args.pack}")
    return 0


def cmd_sources_import_opml(args: argparse.Namespace) -> int:
    from wirewatch.feeds.cli import import_opml_file

    return import_opml_file(args.file, language=args.language, edition=args.edition)


def cmd_watch(args: argparse.Namespace) -> int:
    from wirewatch.watch.commands import watch

    return watch(once=args.once, slugs=args.source)


def cmd_serve(args: argparse.Namespace) -> int:
    from wirewatch.serving.server import serve

    return serve(args.host, args.port, args.workers)


def cmd_demo(args: argparse.Namespace) -> int:
    from wirewatch.serving.demo import run_demo

    return run_demo(host=args.host, port=args.port, new_article_every=args.new_article_every)


def _sources_parser(commands: argparse._SubParsersAction) -> None:
    sources = commands.add_parser("sources", help="register and list sources").add_subparsers(required=True)
    add = sources.add_parser("add", help="register a source: an outlet and one of its editions")
    add.add_argument("name", help='the outlet, e.g. "Naenara"')
    add.add_argument("--edition", required=True, help="the edition code the source uses: En, Ko, Zh, Ar...")
    add.add_argument("--language", required=True, help="language code of the edition: en, ko, zh...")
    add.add_argument("--feed", action="append", default=[], help="an RSS/Atom/JSON feed URL (repeatable)")
    add.add_argument("--listing", action="append", default=[], help="a listing page URL (repeatable)")
    add.add_argument("--sitemap", action="append", default=[], help="a sitemap URL (repeatable)")
    add.add_argument("--home", help="the edition's home page")
    add.add_argument("--delay", type=float, help="least seconds between two requests to its host (default 2)")
    add.add_argument("--poll-interval", type=int, help="seconds between two polls (default 900)")
    add.add_argument("--timezone", default="UTC", help="the source's time zone, e.g. Asia/Pyongyang")
    add.add_argument("--slug", help="the source's id in URLs (default: from name and edition)")
    add.set_defaults(func=cmd_sources_add)
    listing = sources.add_parser("list", help="each source's status: last poll, articles, errors")
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    listing.set_defaults(func=cmd_sources_list)
    pack = sources.add_parser("add-pack", help="register a pack of sources, e.g. dprk, or a .toml file")
    pack.add_argument("pack", help="a pack name (see docs/sources.md) or the path of a pack file")
    pack.set_defaults(func=cmd_sources_add_pack)
    opml = sources.add_parser("import-opml", help="register the feeds of an OPML file as sources")
    opml.add_argument("file", help="an OPML file, e.g. a feed reader's export or /sources/opml")
    opml.add_argument("--language", default="", help="language of outlines that do not say (en, ko, ...)")
    opml.add_argument("--edition", default="Main", help="edition code of outlines that do not say")
    opml.set_defaults(func=cmd_sources_import_opml)


# Apps that bring their own commands: each has a ``cli.py`` with ``add_commands(commands)``, which adds its
# sub-parsers and sets ``func`` on each (a function of the parsed args returning the exit status).
APP_COMMANDS = (
    "wirewatch.archive.cli",
    "wirewatch.search.cli",
    "wirewatch.entities.cli",
    "wirewatch.accounts.cli",
    "wirewatch.scale.cli",
    "wirewatch.serving.cli",
    "wirewatch.alerts.cli",
)


def _app_commands(commands: argparse._SubParsersAction) -> None:
    for name in APP_COMMANDS:
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name).add_commands(commands)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wirewatch", description="Watch news sources and keep every version."
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    _sources_parser(commands)
    _app_commands(commands)
    watch = commands.add_parser("watch", help="poll sources on their schedules until stopped")
    watch.add_argument("--once", action="store_true", help="poll every source once, fetch what is new, exit")
    watch.add_argument("--source", action="append", default=[], help="only this source slug (repeatable)")
    watch.set_defaults(func=cmd_watch)
    serve = commands.add_parser("serve", help="serve the web UI and API (granian)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="server processes")
    serve.set_defaults(func=cmd_serve)
    demo = commands.add_parser("demo", help="demo sources + watcher + web UI, all on this machine")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--new-article-every", type=float, default=20.0, help="seconds between demo articles")
    demo.set_defaults(func=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if getattr(args, "django", True):
            setup(migrate=getattr(args, "migrate", True))
        return args.func(args)
    except ValueError as exc:  # a bad source, pack or argument: say what, no traceback
        print(f"wirewatch: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # the disk full or unwritable (docs/operations.md)
        print(
            f"wirewatch: {exc.strerror or exc} ({getattr(exc, 'filename', '') or 'data directory'})",
            file=sys.stderr,
        )
        return 3
    except Exception as exc:
        from django.db import DatabaseError

        if not isinstance(exc, DatabaseError):
            raise
        print(f"wirewatch: the database is unavailable: {exc}", file=sys.stderr)  # disk full, server down...
        return 3


if __name__ == "__main__":
    sys.exit(main())
