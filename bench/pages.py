"""Pages per second of the article page, the stream and the API under wrk, against nginx serving a saved copy of
the same article page as a static file (this machine's physical limit), measured in the same run.

    .venv/bin/python bench/pages.py [--articles 2000] [--seconds 10] [--connections 64] [--workers 2]

Needs wrk and nginx (Debian: apt-get install wrk nginx-light). Everything runs on loopback and stops by itself.
"""

from __future__ import annotations

import argparse
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


def populate(count: int) -> int:
    """Store ``count`` KCNA articles straight through the archive (no HTTP): the pages' data set."""
    from wirewatch.archive.store import store_extracted
    from wirewatch.extraction import extract_article
    from wirewatch.sources.services import add_source

    source = add_source("KCNA", "En", "en", listings=["http://127.0.0.1:9/"], timezone="Asia/Pyongyang")
    start = datetime(2024, 1, 1, tzinfo=UTC)
    last = None
    for n, row in enumerate(kcna_articles(count)):
        paragraphs = "".join(f"<p>{p}</p>" for p in row["story_text"].split("\n"))
        html = f"<html><body><h1>{row['headline']}</h1><article>{paragraphs}</article></body></html>"
        extracted = extract_article(html, row["link"], language="en", listing_date=start + timedelta(hours=n))
        last = store_extracted(source, row["link"], extracted).article
    return last.pk


def start_nginx(directory: Path, port: int) -> subprocess.Popen:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    (directory / "nginx.conf").write_text(NGINX_CONF.format(dir=directory, port=port))
    return subprocess.Popen([nginx, "-c", str(directory / "nginx.conf"), "-e", str(directory / "error.log")])


def wait_for(url: str) -> None:
    for _ in range(200):
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    sys.exit(f"{url} did not come up")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    fresh_data_dir("pages")
    setup_django()
    article_id = populate(args.articles)
    from wirewatch.serving.server import start_server

    app_port, static_port = free_port(), free_port()
    server = start_server("127.0.0.1", app_port, args.workers)
    static_dir = Path(tempfile.mkdtemp(prefix="wirewatch-bench-static-"))
    nginx = None
    try:
        base = f"http://127.0.0.1:{app_port}"
        wait_for(f"{base}/articles/{article_id}/")
        (static_dir / "article.html").write_bytes(httpx.get(f"{base}/articles/{article_id}/").content)
        nginx = start_nginx(static_dir, static_port)
        wait_for(f"http://127.0.0.1:{static_port}/article.html")
        run(
            args,
            {
                "nginx static copy of the article page": f"http://127.0.0.1:{static_port}/article.html",
                "article page": f"{base}/articles/{article_id}/",
                "newstream": f"{base}/",
                "API article list": f"{base}/api/v1/articles",
            },
        )
    finally:
        for process in (server, nginx):
            if process:
                process.terminate()
                process.wait(timeout=10)


def run(args: argparse.Namespace, urls: dict[str, str]) -> None:
    print(
        f"wrk -c{args.connections} -d{args.seconds}s, {args.workers} granian workers, {args.articles} articles"
    )
    baseline = None
    for label, url in urls.items():
        result = wrk(url, connections=args.connections, seconds=args.seconds)
        baseline = baseline or result["rps"]
        print(
            f"{label:40} {result['rps']:9.0f} req/s  ratio {result['rps'] / baseline:5.2f}  "
            f"p50 {result['p50_ms']} ms  p99 {result['p99_ms']} ms  non-2xx {result['non_2xx']}"
        )


if __name__ == "__main__":
    main()
