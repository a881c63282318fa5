"""What the API rate limiter costs: one ``limits.hit`` (a read and a write in the database) against a whole API
article-list request through the WSGI app, in the same process and run.

    .venv/bin/python bench/ratelimit.py [--calls 2000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import fresh_data_dir, setup_django  # noqa: E402


def per_call_ms(function, calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        function()
    return (time.perf_counter() - started) / calls * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    fresh_data_dir("ratelimit")
    setup_django(WIREWATCH_API_RATE_LIMIT="1000000000")
    import httpx
    from pages import populate

    from wirewatch.accounts import limits
    from wirewatch.wsgi import application

    populate(100)
    key = limits.counter_key("api-ip", "127.0.0.1")
    hit = per_call_ms(lambda: limits.hit(key, 10**9, 60), args.calls)
    with httpx.Client(transport=httpx.WSGITransport(app=application), base_url="http://127.0.0.1") as client:
        client.get("/api/v1/articles")
        request = per_call_ms(lambda: client.get("/api/v1/articles"), args.calls // 5)
    print(
        f"limits.hit {hit:.3f} ms per call; API article list {request:.2f} ms per request; "
        f"limiter share {hit / request * 100:.0f}%"
    )


if __name__ == "__main__":
    main()
