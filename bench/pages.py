"""Pages per second of the article page, the stream, a source page and the API under wrk, against nginx serving a
saved copy of the same article page as a static file (this machine's physical limit), against the same page
rendered on every request (cache off) and against gunicorn, all measured in the same run; then freshness: how
long a newly stored article takes to appear in the cached rails of three other articles of its source, on every
answer of every worker (each has its own micro-cache); then the goal check of issue 6 (>= 50% of nginx's rate
and p99 <= 20 ms for the article page, the stream, a source page and the API list; fresh within 1 s).
The servers run as `wirewatch serve` runs them (serving/server.py: granian, one blocking thread per worker).

    .venv/bin/python bench/pages.py [--articles 2000] [--seconds 10] [--connections 64] [--workers 2]

Needs wrk and nginx (Debian: apt-get install wrk nginx-light); gunicorn in the venv for the server comparison
(skipped when missing). Everything runs on loopback and stops by itself.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import free_port, fresh_data_dir, kcna_articles, setup_django, wrk  # noqa: E402

NGINX_CONF = """
worker_processes 2; daemon off; pid {dir}/nginx.pid; error_log {dir}/error.log;
events {{ worker_connections 1024; }}
http {{ access_log off; server {{ listen 127.0.0.1:{port}; root {dir}; location / {{ default_type text/html; }} }} }}
"""
START = datetime(2024, 1, 1, tzinfo=UTC)


def populate(count: int):
    """Store ``count`` KCNA articles straight through the archive (no HTTP): the pages' data set."""
    from wirewatch.archive.store import store_extracted
    from wirewatch.sources.services import add_source

    source = add_source("KCNA", "En", "en", listings=["http://127.0.0.1:9/"], timezone="Asia/Pyongyang")
    last = None
    for n, row in enumerate(kcna_articles(count)):
        last = store_extracted(source, row["link"], extracted_row(row, START + timedelta(hours=n))).article
    return source, last.pk


def extracted_row(row: dict, published: datetime):
    from wirewatch.extraction import extract_article

    paragraphs = "".join(f"<p>{p}</p>" for p in row["story_text"].split("\n"))
    html = f"<html><body><h1>{row['headline']}</h1><article>{paragraphs}</article></body></html>"
    return extract_article(html, row["link"], language="en", listing_date=published)


def start_nginx(directory: Path, port: int) -> subprocess.Popen:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    (directory / "nginx.conf").write_text(NGINX_CONF.format(dir=directory, port=port))
    return subprocess.Popen([nginx, "-c", str(directory / "nginx.conf"), "-e", str(directory / "error.log")])


def start_granian(port: int, workers: int, **env: str) -> subprocess.Popen:
    from wirewatch.serving.server import collect_static, server_command, server_environment

    collect_static()
    return subprocess.Popen(server_command("127.0.0.1", port, workers), env={**server_environment(), **env})


def start_gunicorn(port: int, workers: int) -> subprocess.Popen | None:
    if importlib.util.find_spec("gunicorn") is None:
        return None
    from wirewatch.serving.server import server_environment

    command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-k", "sync", "-b", f"127.0.0.1:{port}"]
    command += ["--log-level", "warning", "wirewatch.wsgi:application"]
    return subprocess.Popen(command, env=server_environment())


def wait_for(url: str) -> None:
    for _ in range(300):
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    sys.exit(f"{url} did not come up")


def freshness(source, base: str, article_ids: list[int], settle: int = 20) -> float:
    """Seconds from storing a new article until the rail of every other given (cached) article page shows it,
    on ``settle`` requests in a row each: new connections land on any worker, and each has its own micro-cache."""
    from wirewatch.archive.store import store_extracted

    row = {"link": "http://127.0.0.1:9/fresh", "headline": "", "story_text": "A fresh item for the rail."}
    extracted = extracted_row(row, START + timedelta(days=3650))
    with httpx.Client(base_url=base, headers={"Connection": "close"}) as client:
        for pk in article_ids * settle:  # cached before, in every worker
            client.get(f"/articles/{pk}/")
        started = time.perf_counter()
        store_extracted(source, row["link"], extracted)
        streaks = {pk: [0, 0.0] for pk in article_ids}  # fresh answers in a row, and since when
        while any(streak < settle for streak, _ in streaks.values()):
            for pk, state in streaks.items():  # round robin: each page is asked as often as the others
                asked = time.perf_counter() - started
                if asked > 30:
                    return float("inf")
                fresh = "A fresh item for the rail" in client.get(f"/articles/{pk}/").text
                state[:] = [state[0] + 1, state[1] if state[0] else asked] if fresh else [0, 0.0]
    # From this moment on, every answer of every page showed the item.
    return max(since for _, since in streaks.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    fresh_data_dir("pages")
    # wrk from one address would hit the API rate limit (600/min) within a second: lift it for the run.
    setup_django(WIREWATCH_API_RATE_LIMIT="1000000000")
    source, article_id = populate(args.articles)
    others = [article_id - 1, article_id - 2, article_id - 3]  # same source: the new item joins their rails
    ports = {name: free_port() for name in ("app", "uncached", "gunicorn", "static")}
    processes = [
        start_granian(ports["app"], args.workers),
        start_granian(ports["uncached"], args.workers, WIREWATCH_CACHE="off"),
    ]
    gunicorn = start_gunicorn(ports["gunicorn"], args.workers)
    processes += [gunicorn] if gunicorn else []
    static_dir = Path(tempfile.mkdtemp(prefix="wirewatch-bench-static-"))
    static_dir.chmod(0o755)  # nginx's workers run as another user: they must read the copy
    try:
        base, page = f"http://127.0.0.1:{ports['app']}", f"/articles/{article_id}/"
        waiting = ["app", "uncached"] + (["gunicorn"] if gunicorn else [])
        for name in waiting:
            wait_for(f"http://127.0.0.1:{ports[name]}{page}")
        (static_dir / "article.html").write_bytes(httpx.get(base + page).content)
        (static_dir / "article.html").chmod(0o644)
        processes.append(start_nginx(static_dir, ports["static"]))
        wait_for(f"http://127.0.0.1:{ports['static']}/article.html")
        etag = httpx.get(base + page).headers["ETag"]
        urls = {
            "nginx static copy of the article page": (f"http://127.0.0.1:{ports['static']}/article.html", {}),
            "article page (granian, cached)": (base + page, {}),
            "article page 304 (If-None-Match)": (base + page, {"If-None-Match": etag}),
            "article page (granian, cache off)": (f"http://127.0.0.1:{ports['uncached']}{page}", {}),
            "stream page (/)": (f"{base}/", {}),
            "source page": (f"{base}/sources/{source.slug}/", {}),
            "API article list": (f"{base}/api/v1/articles", {}),
        }
        if gunicorn:
            urls["article page (gunicorn sync, cached)"] = (f"http://127.0.0.1:{ports['gunicorn']}{page}", {})
        results = run(args, urls)
        fresh = freshness(source, base, others)
        print(
            f"freshness: a new article in the cached rails of {len(others)} other pages after {fresh * 1000:.0f} ms"
        )
        print(goal(results, fresh))
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)


def run(args: argparse.Namespace, urls: dict[str, tuple[str, dict]]) -> dict[str, dict]:
    print(
        f"wrk -c{args.connections} -d{args.seconds}s, {args.workers} workers, {args.articles} articles, "
        f"{os.cpu_count()} CPUs"
    )
    baseline = None
    results = {}
    for label, (url, headers) in urls.items():
        # Steady state: one unmeasured second first, so that each worker has loaded its templates, opened its
        # database connection and filled its caches for this URL (a cold worker's first render is ~0.3 s).
        wrk(url, connections=args.connections, seconds=1, headers=headers)
        result = wrk(url, connections=args.connections, seconds=args.seconds, headers=headers)
        baseline = baseline or result["rps"]
        result["ratio"] = result["rps"] / baseline
        results[label] = result
        print(
            f"{label:40} {result['rps']:9.0f} req/s  ratio {result['ratio']:5.2f}  "
            f"p50 {result['p50_ms']} ms  p99 {result['p99_ms']} ms  non-2xx/3xx {result['non_2xx']}"
        )
    return results


GOAL_TARGETS = ("article page (granian, cached)", "stream page (/)", "source page", "API article list")


def goal(results: dict[str, dict], fresh: float) -> str:
    """The issue's goal: each target at >= 50% of nginx's rate with p99 <= 20 ms, and fresh within 1 s."""
    misses = [
        f"{label} (ratio {results[label]['ratio']:.2f}, p99 {results[label]['p99_ms']} ms)"
        for label in GOAL_TARGETS
        if results[label]["ratio"] < 0.5 or (results[label]["p99_ms"] or 0) > 20 or results[label]["non_2xx"]
    ]
    misses += [f"freshness {fresh * 1000:.0f} ms"] if fresh >= 1 else []
    return "goal (>= 0.50 of nginx, p99 <= 20 ms, fresh < 1 s): " + (
        "met" if not misses else "missed: " + "; ".join(misses)
    )


if __name__ == "__main__":
    main()
