"""``wirewatch search reindex`` and ``wirewatch search query``."""

from __future__ import annotations

import argparse
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


def add_commands(commands: argparse._SubParsersAction) -> None:
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
