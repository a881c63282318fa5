"""``wirewatch search reindex``, ``wirewatch search query`` and ``wirewatch analyser``."""

from __future__ import annotations

import argparse
import os
import sys
import time


def cmd_reindex(args: argparse.Namespace) -> int:
    from wirewatch.search.backend import get_backend, rebuild

    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        elapsed = max(time.perf_counter() - started, 1e-9)
        print(f"\rindexed {done:,}/{total:,} articles ({done / elapsed:,.0f}/s)", end="", file=sys.stderr)

    count = rebuild(get_backend(), progress)
    elapsed = max(time.perf_counter() - started, 1e-9)
    print(file=sys.stderr)
    print(f"reindexed {count:,} articles in {elapsed:.1f} s ({count / elapsed:,.0f} articles/s)")
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    from wirewatch.search.service import search
    from wirewatch.web.paging import BadQuery

    params = {
        "q": args.query,
        "sort": args.sort,
        "limit": str(args.limit),
        "dueum": "0" if args.exact else "1",
    }
    try:
        results = search(params)
    except BadQuery as exc:
        print(f"wirewatch: {exc}", file=sys.stderr)
        return 2
    for article in results.items:
        print(f"{article.pk}\t{article.published:%Y-%m-%d}\t{article.source.slug}\t{article.title}")
    return 0


def cmd_analyser(args: argparse.Namespace) -> int:
    from wirewatch.search.analyser import check_socket_path, serve

    if not args.socket:
        print("wirewatch: give --socket PATH or set WIREWATCH_KOREAN_ANALYSER", file=sys.stderr)
        return 2
    check_socket_path(args.socket)
    print(f"loading kiwi; the Korean analyser will answer on {args.socket}", flush=True)
    serve(args.socket)
    return 0


def _analyser_parser(commands: argparse._SubParsersAction) -> None:
    analyser = commands.add_parser(
        "analyser", help="analyse Korean for this host's other processes: one copy of kiwi (~300 MB)"
    )
    analyser.add_argument(
        "--socket",
        default=os.environ.get("WIREWATCH_KOREAN_ANALYSER", ""),
        help="the Unix socket to answer on (default: $WIREWATCH_KOREAN_ANALYSER)",
    )
    # It needs no database and no Django: skipping both keeps ~55 MB out of the one process that stays up.
    analyser.set_defaults(func=cmd_analyser, django=False)


def add_commands(commands: argparse._SubParsersAction) -> None:
    _analyser_parser(commands)
    search = commands.add_parser("search", help="full-text search: rebuild the index, run a query")
    actions = search.add_subparsers(required=True)
    reindex = actions.add_parser(
        "reindex", help="rebuild the search index from every article's current version"
    )
    reindex.set_defaults(func=cmd_reindex)
    query = actions.add_parser("query", help="run a query (same language as /search) and print the articles")
    query.add_argument("query", help="e.g. '로동당 \"strengthening ties\" source:kcna-en from:2024-01-01'")
    query.add_argument("--sort", choices=("date", "relevance"), default="date")
    query.add_argument("--limit", type=int, default=20, choices=range(1, 101), metavar="1-100")
    query.add_argument("--exact", action="store_true", help="do not match northern/southern Korean spellings")
    query.set_defaults(func=cmd_query)
