"""CPU per stored article on the store path, split by ``versions_stored`` receiver (dedupe, entities, search).

    .venv/bin/python bench/storepath.py [--articles 500] [--batch N] [--baseline-src DIR]

Stores --articles KCNA texts (../shared) through store_extracted on a fresh SQLite database and reports CPU ms
per article: the whole call, each receiver (by app), and the store without its receivers (the rest). One wrapper
calls the receivers in their connected order and times each. Without --batch each page's own one-item send is
timed (the watcher's way); with --batch N, N pages are stored per transaction, their one-item sends go nowhere,
and ``versions_stored`` is sent once for them (the WARC importer's way). With --baseline-src (the ``src`` folder
of other code, e.g. ``git archive HEAD src | tar -x -C /tmp/base``) the same measurement runs first on that code
in a child process, and the ratios baseline/current are printed: before and after in one run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
from common import fresh_data_dir, kcna_articles, setup_django  # noqa: E402


def _timed_receivers(totals: dict[str, float], batch: int) -> None:
    """Replace the receivers by one that calls each of them, in order, and adds up their time by app. With
    ``batch``, only the benchmark's own batch sends (``bench_batch=True``) reach them."""
    from wirewatch.archive import signals
    from wirewatch.archive.models import Article

    # A --baseline-src from before the apps shared one signal sends each page's news as ``version_stored``.
    single = getattr(signals, "version_stored", None) or signals.versions_stored
    timed = signals.versions_stored if batch else single
    receivers = timed._live_receivers(Article)[0]  # Django's own lookup: the ones send() would call
    for signal in {single, signals.versions_stored}:
        signal.receivers, signal.sender_receivers_cache = [], {}

    def all_timed(sender, **kwargs) -> None:
        if batch and not kwargs.pop("bench_batch", False):
            return  # a page's own one-item send inside a benchmark batch
        for receiver in receivers:
            started = time.process_time()
            receiver(sender=sender, **kwargs)
            totals[receiver.__module__] += time.process_time() - started

    timed.connect(all_timed, weak=False, dispatch_uid="bench.storepath")


def _store_all(source, pages: list, batch: int, prefix: str) -> None:
    """Each page through store_extracted; with ``batch``, that many per transaction and one versions_stored."""
    from django.db import transaction

    from wirewatch.archive.models import Article
    from wirewatch.archive.store import store_extracted

    urls = [f"http://www.kcna.kp/en/article/{prefix}{n}.kcmsf" for n in range(len(pages))]
    if not batch:
        for url, extracted in zip(urls, pages, strict=True):
            store_extracted(source, url, extracted)
        return
    from wirewatch.archive.signals import StoredVersion, versions_stored

    for start in range(0, len(pages), batch):
        with transaction.atomic():
            done = [
                store_extracted(source, url, page)
                for url, page in zip(urls[start : start + batch], pages[start : start + batch], strict=True)
            ]
            versions_stored.send(
                Article,
                stored=[StoredVersion(d.article, d.version, d.created) for d in done],
                bench_batch=True,
            )


def measure(articles: int, batch: int = 0) -> dict:
    from tests.factories import body_html, make_source
    from wirewatch.extraction import Extracted

    rows = kcna_articles(articles)
    source = make_source("bench-storepath")
    pages = [
        Extracted(
            r["headline"],
            False,
            r["story_text"],
            body_html(r["story_text"]),
            "",
            None,
            "",
            "en",
            "rules",
            True,
        )
        for r in rows
    ]
    totals: dict[str, float] = defaultdict(float)
    _timed_receivers(totals, batch)
    # One article first, not counted: loading the matcher and stemmers is paid once per process.
    _store_all(source, pages[:1], batch, "warm-up-")
    totals.clear()
    started = time.process_time()
    _store_all(source, pages, batch, "")
    total = time.process_time() - started
    per = {name: round(seconds * 1000 / len(rows), 3) for name, seconds in sorted(totals.items())}
    return {"articles": len(rows), "batch": batch, "total_ms": round(total * 1000 / len(rows), 3),
            "receivers_ms": per, "rest_ms": round(total * 1000 / len(rows) - sum(per.values()), 3)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--batch", type=int, default=0, help="pages per transaction and versions_stored send")
    parser.add_argument(
        "--baseline-src", type=Path, help="a src folder of the code to compare with (per item)"
    )
    args = parser.parse_args()
    if args.baseline_src:
        env = {**os.environ, "PYTHONPATH": str(args.baseline_src.resolve())}
        command = [sys.executable, __file__, "--articles", str(args.articles)]
        out = subprocess.run(
            command, env=env, capture_output=True, text=True, check=True, timeout=3600
        ).stdout
        baseline = json.loads(out)["current"]
    fresh_data_dir("storepath")
    setup_django()
    results = {"current": measure(args.articles, args.batch)}
    if args.baseline_src:
        results["baseline"] = baseline
        current = results["current"]
        results["ratio_baseline_to_current"] = {
            "total": round(baseline["total_ms"] / current["total_ms"], 2),
            **{
                name: round(ms / current["receivers_ms"][name], 2)
                for name, ms in baseline["receivers_ms"].items()
            },
        }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
