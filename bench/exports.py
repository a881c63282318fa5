"""Streamed export throughput and memory, and the cost of the API rate limiter per request.

    .venv/bin/python bench/exports.py [--rows 200000]

Exports: rows/s and peak Python memory (tracemalloc) of GET /api/v1/export.csv over N articles sharing one
version, read to the end through Django's test client. Rate limiter: mean time of GET /api/v1/sources (limiter
included), and of the limiter's counter write alone.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
from common import fresh_data_dir, setup_django  # noqa: E402


def fill(rows: int) -> None:
    from tests.accounts.helpers import make_user, token_for
    from tests.factories import make_article, make_source
    from wirewatch.archive.models import Article

    source = make_source()
    template = make_article(source, "Template", text="Pyongyang, July 14 (KCNA) -- " + "text " * 400)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    batch = [
        Article(
            source=source,
            url=f"http://127.0.0.1:9/b/{n}",
            title=f"Bulk article {n}",
            language="en",
            published=base - timedelta(minutes=n),
            published_from="meta",
            current_version=template.current_version,
            version_count=1,
        )
        for n in range(rows)
    ]
    Article.objects.bulk_create(batch, batch_size=5000)
    return token_for(make_user("bench", "analyst"))


def export(client, token: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.get("/api/v1/export.csv", HTTP_AUTHORIZATION=f"Bearer {token}")
    size = sum(len(chunk) for chunk in response.streaming_content)
    return time.perf_counter() - started, size


def export_peak_memory(client, token: str) -> int:
    """A second run under tracemalloc (which slows Python down, hence not timed)."""
    tracemalloc.start()
    export(client, token)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def per_request(client, path: str, count: int = 500) -> float:
    started = time.perf_counter()
    for _ in range(count):
        client.get(path)
    return (time.perf_counter() - started) / count * 1000


def per_hit(count: int = 2000) -> float:
    from wirewatch.accounts import limits

    started = time.perf_counter()
    for n in range(count):
        limits.hit(limits.counter_key("bench", str(n % 50)), 10**9, 60)
    return (time.perf_counter() - started) / count * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    fresh_data_dir("exports")
    setup_django(WIREWATCH_API_RATE_LIMIT="1000000")
    from django.test import Client

    token = fill(args.rows)
    client = Client(SERVER_NAME="localhost")
    elapsed, size = export(client, token)
    peak = export_peak_memory(client, token)
    print(
        f"export.csv: {args.rows + 1} rows, {size / 1e6:.1f} MB in {elapsed:.2f} s "
        f"= {(args.rows + 1) / elapsed:,.0f} rows/s; peak Python memory {peak / 1e6:.1f} MB"
    )
    print(
        f"GET /api/v1/sources: {per_request(client, '/api/v1/sources'):.2f} ms/request (rate limiter included); "
        f"the limiter alone (limits.hit, one counter write): {per_hit():.3f} ms"
    )


if __name__ == "__main__":
    main()
