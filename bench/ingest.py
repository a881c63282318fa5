"""Articles per second of ``watch --once`` on a local KCNA-layout source (discovery, fetch, extraction, storage,
indexing), with baselines in the same run: fetching the same pages with plain httpx (no politeness, no parsing,
no storage), and the extraction stage alone.

    .venv/bin/python bench/ingest.py [--articles 10000] [--extract-pages 2000] [--extraction-only]

Child processes against one local site (served from another process, on loopback): fetch-only, the watcher with
the KCNA adapter rules, the watcher with the generic extractor (trafilatura) only; then the extraction stage on
the same pages: pages/s of the adapter path, of our generic path and of trafilatura.extract alone, and the
accuracy of each on those pages (their texts are known) and on trafilatura's evaluation pages in ../shared.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import subprocess
import sys
import time
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
from common import SHARED, free_port, fresh_data_dir, kcna_articles, setup_django  # noqa: E402

from tests.sites.dprk_layouts import Item, juche_label, kcna_article_page, kcna_listing_page  # noqa: E402

PER_PAGE = 50


def articles(count: int) -> list[tuple[str, str, str]]:
    """(path, title, text) of ``count`` articles: the KCNA set's texts, repeated with a numbered title past its end."""
    rows = kcna_articles(10_000)
    found = []
    for n in range(count):
        row = rows[n % len(rows)]
        title = row["headline"].split("\n")[0].strip() + ("" if n < len(rows) else f" ({n})")
        found.append((f"/en/article/q/{n:064x}.kcmsf", title, row["story_text"]))
    return found


def build_site(count: int) -> dict[str, bytes]:
    """The KCNA 2021-2025 layout: listing pages of 50, newest first, and one page per article."""
    pages, items = {}, []
    for n, (path, title, text) in enumerate(articles(count)):
        day = date(2024, 11, 1) - timedelta(days=n // 8)
        pages[path] = kcna_article_page(title, text).encode()
        items.append(Item(path, title, juche_label(day)))
    for start in range(0, count, PER_PAGE):
        number = start // PER_PAGE + 1
        more = f"/en/category/articles/q/{number + 1}.kcmsf" if start + PER_PAGE < count else None
        html = kcna_listing_page(items[start : start + PER_PAGE], next_href=more)
        pages[f"/en/category/articles/q/{number}.kcmsf"] = html.encode()
    return pages


def serve(pages: dict[str, bytes], port: int) -> None:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stall

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            body = pages.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


def fetch_only(base: str, paths: list[str]) -> dict:
    started = time.perf_counter()
    with httpx.Client() as client:
        for path in paths:
            client.get(base + path).raise_for_status()
    return {"seconds": time.perf_counter() - started}


def watch(base: str, count: int, rules: bool) -> dict:
    fresh_data_dir("ingest")
    setup_django(WIREWATCH_LISTING_MAX_PAGES="1000", WIREWATCH_MAX_ARTICLES_PER_POLL=str(count))
    from wirewatch.sources.packs import pack_layouts
    from wirewatch.sources.services import add_source
    from wirewatch.watch.loop import run_once

    layout = pack_layouts("dprk")["kcna-2021"]
    add_source(
        "KCNA",
        "En",
        "en",
        listings=[f"{base}/en/category/articles/q/1.kcmsf"],
        delay=0,
        timezone="Asia/Pyongyang",
        rules=layout if rules else {"listing": layout["listing"]},
    )
    started = time.perf_counter()
    [report] = run_once()
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "new": report.new_articles, "failed": len(report.failed)}


def extraction_stage(count: int) -> dict:
    """Pages/s and accuracy of the three extractors on the same ``count`` article pages (CPU only, no I/O)."""
    import trafilatura
    from selectolax.lexbor import LexborHTMLParser

    from tests.extraction.accuracy import evaluation_pages, snippet_score, text_score
    from wirewatch.extraction import extract_article
    from wirewatch.extraction.rules import apply_rules
    from wirewatch.sources.packs import pack_layouts

    rules = pack_layouts("dprk")["kcna-2021"]["article"]
    extractors = {
        "adapter": lambda html, url: extract_article(html, url, language="en", timezone="Asia/Pyongyang",
                                                     rules=rules).text,
        "generic": lambda html, url: extract_article(html, url, language="en", timezone="Asia/Pyongyang").text,
        "trafilatura": lambda html, url: trafilatura.extract(html, url=url, include_tables=True) or "",
        "selection": lambda html, url: LexborHTMLParser(apply_rules(LexborHTMLParser(html), rules).body_html).text(
            separator="\n"),
    }  # fmt: skip
    pages = [
        ("http://www.kcna.kp" + path, kcna_article_page(title, text), text)
        for path, title, text in articles(count)
    ]
    for extract in extractors.values():
        extract(pages[0][1], pages[0][0])  # load models (language identifier) before timing
    results: dict = {}
    for name, extract in extractors.items():
        # Two passes: the first pays what each extractor loads once per process on first need (dateparser's
        # locale data: ~3 s, on the first page whose date only dateparser may read); the second is the rate of
        # a worker that has run for a while, the figure compared.
        cold, warm = (timed_pass(extract, pages) for _ in range(2))
        results[name] = {"pages_per_s": warm, "cold_pages_per_s": cold}
        score = text_score(pages[:500], extract)
        results[name]["kcna_f1"], results[name]["kcna_exact"] = score.f1, f"{score.exact}/{score.pages}"
    folder = SHARED / "data" / "extraction"
    if not (folder / "evaldata.json").is_file():
        return {**results, "evaldata": f"skipped: {folder} is missing"}
    evaluation = evaluation_pages(folder)
    for name in (
        "generic",
        "trafilatura",
    ):  # no adapter covers these sites: the adapter path is the generic one
        score = snippet_score(evaluation, extractors[name])
        results[name]["evaldata"] = (
            f"{score.share:.3f} of snippet checks, {score.whole_pages}/{score.pages} pages whole"
        )
    return results


def timed_pass(extract, pages: list[tuple[str, str, str]]) -> float:
    """Pages/s of ``extract`` over ``pages``."""
    started = time.perf_counter()
    for url, html, _ in pages:
        extract(html, url)
    return len(pages) / (time.perf_counter() - started)


def child(mode: str, base: str, count: int) -> None:
    if mode == "fetch-only":
        paths = list(build_site(count))
        print(json.dumps(fetch_only(base, paths)))
    elif mode == "extract":
        print(json.dumps(extraction_stage(count)))
    else:
        print(json.dumps(watch(base, count, rules=mode == "rules")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument(
        "--extract-pages", type=int, default=2000, help="pages for the extraction-stage timing"
    )
    parser.add_argument("--child", nargs=2, metavar=("MODE", "BASE"), help=argparse.SUPPRESS)
    parser.add_argument("--extraction-only", action="store_true", help="only the extraction stage")
    args = parser.parse_args()
    if args.child:
        return child(args.child[0], args.child[1], args.articles)
    if args.extraction_only:
        return report_extraction(run_child("extract", "-", args.extract_pages))
    port = free_port()
    site = multiprocessing.Process(target=serve, args=(build_site(args.articles), port), daemon=True)
    site.start()
    time.sleep(0.5)
    base = f"http://127.0.0.1:{port}"
    try:
        results = {mode: run_child(mode, base, args.articles) for mode in ("fetch-only", "rules", "generic")}
    finally:
        site.terminate()
    results["extract"] = run_child("extract", "-", args.extract_pages)
    report(results, args.articles)


def run_child(mode: str, base: str, count: int) -> dict:
    command = [sys.executable, __file__, "--articles", str(count), "--child", mode, base]
    out = subprocess.run(command, capture_output=True, text=True, check=True, timeout=3600).stdout
    return json.loads(out.strip().splitlines()[-1])


def report(results: dict, count: int) -> None:
    base = count / results["fetch-only"]["seconds"]
    print(f"{count} KCNA-layout articles on loopback")
    print(f"{'fetch only (httpx, baseline)':38} {base:8.1f} pages/s  ratio 1.00")
    for mode in ("rules", "generic"):
        r = results[mode]
        rate = r["new"] / r["seconds"]
        label = f"watch --once, {'KCNA adapter rules' if mode == 'rules' else 'generic extractor only'}"
        print(
            f"{label:38} {rate:8.1f} articles/s  ratio {rate / base:.2f}  ({r['new']} stored, {r['failed']} failed)"
        )
    ratio = (results["rules"]["new"] / results["rules"]["seconds"]) / (
        results["generic"]["new"] / results["generic"]["seconds"]
    )
    print(f"adapter path vs generic-only, end to end: {ratio:.2f}x")
    report_extraction(results["extract"])


def report_extraction(stage: dict) -> None:
    print(
        "extraction stage, the same KCNA pages (accuracy: word F1 against the known texts, first 500 pages;"
    )
    print("  and trafilatura's evaluation pages in ../shared):")
    for name, label in (("adapter", "adapter rules (selectolax) + cleaning"), ("generic", "generic path (trafilatura) + cleaning"),
                        ("trafilatura", "trafilatura.extract alone"), ("selection", "adapter rules alone (lexbor + CSS)")):  # fmt: skip
        r = stage[name]
        evaluation = r.get("evaldata", stage.get("evaldata", "(no adapter for these sites)"))
        print(
            f"  {label:40} {r['pages_per_s']:8.1f} pages/s (first pass {r['cold_pages_per_s']:.1f})  "
            f"KCNA F1 {r['kcna_f1']:.4f} ({r['kcna_exact']} exact)  {evaluation}"
        )
    print(
        f"  adapter vs generic path: {stage['adapter']['pages_per_s'] / stage['generic']['pages_per_s']:.2f}x; "
        f"adapter vs trafilatura alone: {stage['adapter']['pages_per_s'] / stage['trafilatura']['pages_per_s']:.2f}x"
    )


if __name__ == "__main__":
    main()
