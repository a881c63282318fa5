"""The record's costs: bytes stored per version, re-check throughput, WARC import speed. Baselines in the run.

    .venv/bin/python bench/record.py [--articles 500] [--import-pages 2000]
    .venv/bin/python bench/record.py --spare-batches 3 [--pad-store-ms 100] [--import-pages 5000]

1. Storage: the 20 real KCNA rewrites of ../shared (40 versions) stored through store_extracted; bytes of the
   compressed, content-addressed blobs per version against the raw UTF-8 text + HTML (the baseline).
2. Re-check: a local source of --articles pages (delay 0); the first poll (discover + fetch + extract + store
   every page) is the baseline; then ``recheck --all`` of the same, unchanged pages: rechecks/s.
3. Import: a WARC of --import-pages KCNA pages written with warcio, imported (each way in a child process on a
   fresh database): one page per transaction (the importer before batches: the baseline), batches of 50, and
   batches with one extraction worker process; articles/s, and re-import pages/s (adds nothing).
4. With --spare-batches ROUNDS, only the extraction look-ahead: batches of 50 with one worker and no spare batch
   queued (the baseline) against ``extractpool.SPARE_BATCHES``, alternated ROUNDS times; articles/s and their
   ratio. Spare batches matter where storing and extracting are about as fast as each other; on a machine where
   the workers are the slower side, --pad-store-ms (busy CPU added to storing each batch) brings the two level.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
from common import SHARED, fresh_data_dir, kcna_articles, setup_django  # noqa: E402


def storage() -> dict:
    from tests.factories import body_html, make_source
    from wirewatch.archive.models import Blob, Version
    from wirewatch.archive.store import store_extracted
    from wirewatch.extraction import Extracted

    links = json.loads((SHARED / "data/kcna-en/same-url-variants.json").read_text())["links"]
    source = make_source("bench-storage")
    for link in links:
        if "story_text differs" not in link["kind"]:
            continue
        for row in link["rows"]:
            text = row["story_text"]
            extracted = Extracted(
                row["headline"], False, text, body_html(text), "", None, "", "en", "rules", True
            )
            store_extracted(source, link["link"], extracted)
    versions = Version.objects.filter(article__source=source)
    raw = sum(len(v.text.encode()) + len(v.html.encode()) for v in versions)
    stored = sum(len(bytes(b.data)) for b in Blob.objects.all())  # every blob is this run's
    count = versions.count()
    return {"versions": count, "raw_bytes_per_version": raw // count, "stored_bytes_per_version": stored // count,
            "ratio_raw_to_stored": round(raw / stored, 2)}  # fmt: skip


def recheck(articles: int) -> dict:
    from tests.factories import make_source
    from tests.sites.news import ARTICLE_RULES, LISTING_RULES, Story, listing_html
    from tests.sites.server import LocalSite, Page
    from wirewatch.fetching.client import PoliteClient
    from wirewatch.watch.pipeline import poll_source
    from wirewatch.watch.recheck import recheck_source

    rows = kcna_articles(articles)
    site = LocalSite().start()
    stories = [
        Story(f"/a/{n}", r["headline"], r["story_text"].split("\n"), r["date_str"])
        for n, r in enumerate(rows)
    ]
    for story in stories:
        site.routes[story.path] = Page(story.html())
    site.routes["/list"] = Page(listing_html(stories))
    source = make_source("bench-recheck", home=site.url("/"), listings=[site.url("/list")], delay=0,
                         rules={"listing": LISTING_RULES, "article": ARTICLE_RULES})  # fmt: skip
    try:
        with PoliteClient() as client:
            started = time.perf_counter()
            polled = poll_source(client, source)
            poll_s = time.perf_counter() - started
            started = time.perf_counter()
            report = recheck_source(client, source, everything=True)
            recheck_s = time.perf_counter() - started
    finally:
        site.stop()
    assert polled.new_articles == len(rows) and report.unchanged == len(rows), (polled, report)
    return {"articles": len(rows), "poll_pages_per_s": round(len(rows) / poll_s, 1),
            "rechecks_per_s": round(report.checked / recheck_s, 1),
            "ratio_recheck_to_poll": round((report.checked / recheck_s) / (len(rows) / poll_s), 2)}  # fmt: skip


def write_warc(pages: int, directory: Path) -> Path:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from tests.sites.news import Story

    rows = kcna_articles(pages)
    path = directory / "kcna.warc.gz"
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for n in range(pages):
            row = rows[n % len(rows)]
            story = Story("/", f"{row['headline']} ({n})", row["story_text"].split("\n"), row["date_str"])
            body = story.html().encode()
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], "HTTP/1.1")
            url = f"http://www.kcna.kp/en/article/q/{n:064x}.kcmsf"
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          length=len(body), http_headers=http))  # fmt: skip
    return path


IMPORT_MODES = {  # name: (pages per transaction, extraction worker processes)
    "one by one (baseline)": (1, 0),
    "batches of 50": (50, 0),
    "batches of 50 + 1 extraction worker": (50, 1),
}


def warc_import(path: Path, mode: str, spare: int | None = None, pad_store_ms: float = 0) -> dict:
    """One import of ``path`` into this process's fresh database, then the same file again (adds nothing)."""
    from tests.factories import make_source
    from tests.sites.news import ARTICLE_RULES
    from wirewatch.archive import extractpool, warcimport
    from wirewatch.archive.warcimport import import_warcs

    if spare is not None:
        extractpool.SPARE_BATCHES = spare
    if pad_store_ms:
        warcimport.store_batch = _padded(warcimport.store_batch, pad_store_ms / 1000)
    batch, workers = IMPORT_MODES[mode]
    make_source("bench-import", home="http://www.kcna.kp/en/", rules={"article": ARTICLE_RULES})
    started = time.perf_counter()
    report = import_warcs([path], batch=batch, workers=workers)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    again = import_warcs([path], batch=batch, workers=workers)
    again_s = time.perf_counter() - started
    return {"new_articles": report.new_articles, "articles_per_s": round(report.new_articles / seconds, 1),
            "reimport_added": again.new_versions, "reimport_pages_per_s": round(report.pages / again_s, 1)}  # fmt: skip


def _padded(store_batch, seconds: float):
    """``store_batch`` after ``seconds`` of busy CPU (not sleep: the storing process must keep its core)."""

    def padded(*args, **kwargs):
        end = time.process_time() + seconds
        while time.process_time() < end:
            pass
        return store_batch(*args, **kwargs)

    return padded


def child_import(mode: str, path: Path, *options: str) -> dict:
    command = [sys.executable, __file__, "--child-import", mode, str(path), *options]
    out = subprocess.run(command, capture_output=True, text=True, check=True, timeout=7200).stdout
    return json.loads(out.strip().splitlines()[-1])


def spare_batches(pages: int, directory: Path, rounds: int, pad_store_ms: float) -> dict:
    """Articles/s with no spare batch (the baseline) and with SPARE_BATCHES, alternated in the same minutes."""
    from wirewatch.archive.extractpool import SPARE_BATCHES

    path = write_warc(pages, directory)
    mode, pad = "batches of 50 + 1 extraction worker", ["--pad-store-ms", str(pad_store_ms)]
    rates: dict[int, list[float]] = {0: [], SPARE_BATCHES: []}
    for _ in range(rounds):
        for spare in rates:
            rates[spare].append(child_import(mode, path, "--spare", str(spare), *pad)["articles_per_s"])
    ratios = sorted(new / base for base, new in zip(rates[0], rates[SPARE_BATCHES], strict=True))
    return {"pages": pages, "pad_store_ms": pad_store_ms, "articles_per_s": {f"{k} spare": v for k, v in rates.items()},
            "median_ratio": round(ratios[len(ratios) // 2], 3)}  # fmt: skip


def imports(pages: int, directory: Path) -> dict:
    """Each import mode in a child process on a fresh data directory, on the same WARC file."""
    path = write_warc(pages, directory)
    results: dict = {"pages": pages}
    for mode in IMPORT_MODES:
        results[mode] = child_import(mode, path)
    base = results["one by one (baseline)"]["articles_per_s"]
    for mode in IMPORT_MODES:
        results[mode]["ratio_to_baseline"] = round(results[mode]["articles_per_s"] / base, 2)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--import-pages", type=int, default=2000)
    parser.add_argument(
        "--spare-batches", type=int, metavar="ROUNDS", help="compare the extraction look-ahead"
    )
    parser.add_argument("--pad-store-ms", type=float, default=0, help="busy CPU added to storing each batch")
    parser.add_argument("--child-import", nargs=2, metavar=("MODE", "WARC"), help=argparse.SUPPRESS)
    parser.add_argument("--spare", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    data_dir = fresh_data_dir("record")
    setup_django()
    if args.child_import:
        mode, path = args.child_import[0], Path(args.child_import[1])
        print(json.dumps(warc_import(path, mode, args.spare, args.pad_store_ms)))
        return
    if args.spare_batches:
        result = spare_batches(args.import_pages, data_dir, args.spare_batches, args.pad_store_ms)
        print(json.dumps(result, indent=2))
        return
    results = {"storage": storage(), "recheck": recheck(args.articles),
               "import": imports(args.import_pages, data_dir)}  # fmt: skip
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
