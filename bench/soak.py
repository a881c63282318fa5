"""Soak: sources publishing and editing, the watcher, `wirewatch serve` under wrk, for --minutes (default 30).

Reports: requests and 5xx answers (wrk's non-2xx count plus a sampler that checks every status), the RSS and
open file descriptors of every process (watcher, granian and its workers) every 10 s, and `wirewatch check`
at the end. Run by hand, not in CI:  .venv/bin/python bench/soak.py --minutes 30
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import free_port, wrk  # noqa: E402
from tests.faults.publisher import Publisher  # noqa: E402
from tests.sites.server import LocalSite  # noqa: E402

PATHS = ["/", "/sources/", "/api/v1/articles", "/api/v1/sources", "/search?q=delegation", "/changes/"]


def cli(data: Path, *args: str, background: bool = False):
    env = {**os.environ, "WIREWATCH_DATA_DIR": str(data), "WIREWATCH_ALLOW_INTERNAL_SOURCES": "127.0.0.0/8"}
    env["WIREWATCH_API_RATE_LIMIT"] = "100000000"  # the soak measures the server, not the rate limiter
    env.pop("WIREWATCH_DB_PATH", None)
    command = [sys.executable, "-m", "wirewatch.cli", *args]
    if background:
        log = open(data / f"{args[0]}.log", "w")  # noqa: SIM115 (lives as long as the process)
        return subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    return subprocess.run(command, env=env, check=True, capture_output=True, text=True)


def tree(pid: int) -> list[int]:
    """The process and its descendants (from /proc/<pid>/task/*/children)."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            with contextlib.suppress(OSError):  # the task ended meanwhile
                queue += [int(c) for c in (task / "children").read_text().split()]
    return found


def sample(pid: int) -> dict:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        rss = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS"))
        return {"rss_mb": round(rss / 1024, 1), "fds": len(os.listdir(f"/proc/{pid}/fd"))}
    except (OSError, StopIteration):
        return {}


class Sampler(threading.Thread):
    """Every second: one GET of each path (statuses counted); every 10 s: RSS and fds of each process."""

    def __init__(self, base: str, roots: dict[str, int]) -> None:
        super().__init__(daemon=True)
        self.base, self.roots = base, roots
        self.statuses: dict[int, int] = {}
        self.samples: list[dict] = []
        self.stop = threading.Event()

    def run(self) -> None:
        started, next_sample = time.monotonic(), 0.0
        with httpx.Client(base_url=self.base, timeout=30) as client:
            while not self.stop.wait(1):
                for path in PATHS:
                    try:
                        code = client.get(path).status_code
                    except httpx.HTTPError:
                        code = 0
                    self.statuses[code] = self.statuses.get(code, 0) + 1
                if time.monotonic() - started >= next_sample:
                    next_sample += 10
                    self.samples.append(self._processes(round(time.monotonic() - started)))

    def _processes(self, at: int) -> dict:
        row = {"t": at}
        for name, pid in self.roots.items():
            for number, member in enumerate(tree(pid)):
                row[f"{name}{number}"] = sample(member)
        return row


def load(base: str, minutes: float, connections: int) -> list[dict]:
    """wrk over each path in turn, 30 s at a time, until the time is up."""
    results, deadline = [], time.monotonic() + minutes * 60
    while (left := deadline - time.monotonic()) > 1:
        for path in PATHS:
            seconds = int(min(30, left))
            if seconds < 1:
                break
            results.append(
                {
                    "path": path,
                    "seconds": seconds,
                    **wrk(base + path, connections=connections, seconds=seconds),
                }
            )
            left = deadline - time.monotonic()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (a steady, modest rate)")
    parser.add_argument(
        "--publish-every", type=float, default=2.0, help="seconds between articles per source"
    )
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="wirewatch-soak-"))
    sites = [LocalSite().start() for _ in range(3)]
    publishers = [Publisher(site, every=args.publish_every, edit_every=3) for site in sites]
    for number, publisher in enumerate(publishers):
        publisher.publish()
        cli(data, "sources", "add", f"Soak {number}", "--edition", "En", "--language", "en",
            "--feed", publisher.feed_url, "--delay", "0", "--poll-interval", "5")  # fmt: skip
        publisher.start()
    port = free_port()
    watcher, server = (
        cli(data, "watch", background=True),
        cli(data, "serve", "--port", str(port), "--workers", "2", background=True),
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            if httpx.get(base + "/", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.5)
    sampler = Sampler(base, {"watcher": watcher.pid, "server": server.pid})
    sampler.start()
    runs = load(base, args.minutes, args.connections)
    sampler.stop.set()
    sampler.join()
    for publisher in publishers:
        publisher.stop()
    for process in (watcher, server):
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    check = subprocess.run([sys.executable, "-m", "wirewatch.cli", "check"], env={**os.environ, "WIREWATCH_DATA_DIR": str(data)},
                           capture_output=True, text=True)  # fmt: skip
    report(data, runs, sampler, check, sum(len(p.served) for p in publishers))


def report(data: Path, runs: list[dict], sampler: Sampler, check, served: int) -> None:
    requests = sum(int(r["rps"] * r["seconds"]) for r in runs)
    non_2xx = sum(r["non_2xx"] for r in runs)
    server_errors = sum(n for code, n in sampler.statuses.items() if code >= 500 or code == 0)
    result = {
        "data_dir": str(data), "served_articles": served, "wrk_runs": len(runs), "wrk_requests_approx": requests,
        "wrk_non_2xx": non_2xx, "sampler_statuses": sampler.statuses, "sampler_5xx": server_errors,
        "check_exit": check.returncode, "samples": sampler.samples,
        "rps_by_path": {r["path"]: r["rps"] for r in runs},
    }  # fmt: skip
    (data / "soak.json").write_text(json.dumps(result, indent=1))
    print(json.dumps({k: v for k, v in result.items() if k != "samples"}, indent=1))
    for row in sampler.samples:
        cells = [f"{name}={v.get('rss_mb')}MB/{v.get('fds')}fd" for name, v in row.items() if name != "t"]
        print(f"t={row['t']:>5}s  " + "  ".join(cells))
    print(check.stdout + check.stderr)


if __name__ == "__main__":
    main()
