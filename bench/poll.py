"""The watcher's CPU share and memory while it keeps 200 sources, each on its own host, polled on schedule —
time scaled down: every source polled every --interval seconds (15 s stands for the real 5 minutes) for
--seconds, with each feed publishing one new article per --publish-every seconds. The figures are put beside the
goal and projected to the real 5-minute interval.

    .venv/bin/python bench/poll.py [--sources 200] [--seconds 60] [--interval 15] [--publish-every 60]
                                   [--korean N [--own-analyser]]

``--korean N``: the first N sources are Korean editions publishing Korean text; by default every source is
English, and the Korean analyser (kiwi, ~300 MB) is never loaded. With Korean sources the watcher asks the
host's shared analyser (``wirewatch analyser``, started here), whose CPU and memory are reported beside the
watcher's; ``--own-analyser`` loads kiwi into the watcher instead, as a process does without
WIREWATCH_KOREAN_ANALYSER.

The sources are served by one local server on 200 loopback addresses (127.0.1.1 ...), so that per-host
politeness lets them be polled in parallel, as real sources on different hosts are. Goal: < 5% of one core and
< 300 MB resident (issue 6).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
from common import free_port, fresh_data_dir, setup_django  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


class Feeds(BaseHTTPRequestHandler):
    """``/feed.xml``: the host's newest 5 items, one more each PUBLISH_EVERY seconds; ``/a/<n>``: an article."""

    publish_every = 60.0
    started = time.time()
    korean_hosts: frozenset[str] = frozenset()

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        host = self.headers.get("Host", "")
        if self.path == "/feed.xml":
            newest = int((time.time() - self.started) / self.publish_every) + 5
            self.answer("application/rss+xml", feed(host, range(newest, newest - 5, -1)))
        elif self.path.startswith("/a/"):
            self.answer("text/html; charset=utf-8", article(host, self.path))
        else:
            self.send_error(404)

    def answer(self, content_type: str, body: str) -> None:
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


def feed(host: str, numbers) -> str:
    when = format_datetime(datetime.now(UTC))
    items = "".join(
        f"<item><title>Item {n} of {host}</title><link>http://{host}/a/{n}</link><pubDate>{when}</pubDate></item>"
        for n in numbers
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{host}</title>{items}</channel></rss>'


ENGLISH = "Pyongyang (KCNA) -- The session discussed the harvest and the new irrigation works."
KOREAN = "조선중앙통신 -- 회의에서는 올해 농사와 새 관개공사에 대하여 토의하였다."


def article(host: str, path: str) -> str:
    korean = host.split(":")[0] in Feeds.korean_hosts
    text = " ".join([KOREAN if korean else ENGLISH] * 8)
    return f"<html><body><h1>{path} on {host}</h1><article><p>{text}</p><p>{text}</p></article></body></html>"


def add_sources(count: int, port: int, interval: int, korean: int) -> None:
    from wirewatch.sources.services import add_source

    Feeds.korean_hosts = frozenset(_host(n) for n in range(korean))
    for n in range(count):
        host = _host(n)
        add_source(
            f"Outlet {n}",
            "Ko" if n < korean else "En",
            "ko" if n < korean else "en",
            feeds=[f"http://{host}:{port}/feed.xml"],
            delay=0.1,
            poll_interval=interval,
        )


def _host(n: int) -> str:
    return f"127.0.{1 + n // 250}.{1 + n % 250}"


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime (proc(5))


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure(pids: dict[str, int], seconds: float) -> dict[str, dict]:
    """Each process's CPU share and peak resident memory over ``seconds``."""
    start_cpu = {name: cpu_seconds(pid) for name, pid in pids.items()}
    start, peak = time.monotonic(), dict.fromkeys(pids, 0.0)
    while time.monotonic() - start < seconds:
        time.sleep(1)
        peak = {name: max(peak[name], rss_mb(pid)) for name, pid in pids.items()}
    elapsed = time.monotonic() - start
    return {
        name: {"cpu_share": (cpu_seconds(pid) - start_cpu[name]) / elapsed, "rss_peak_mb": peak[name]}
        for name, pid in pids.items()
    }


def start_analyser(args: argparse.Namespace, data_dir: Path) -> subprocess.Popen | None:
    """The host's shared Korean analyser, when there are Korean sources and the watcher is to use it."""
    if not args.korean or args.own_analyser:
        return None
    from wirewatch.search.analyser import spawn, wait_until_answering

    path = str(data_dir / "kiwi.sock")
    analyser = spawn(path)
    wait_until_answering(path, analyser)
    os.environ["WIREWATCH_KOREAN_ANALYSER"] = path
    return analyser


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--interval", type=int, default=15)
    parser.add_argument("--publish-every", type=float, default=60)
    parser.add_argument("--korean", type=int, default=0, help="how many of the sources are Korean editions")
    parser.add_argument("--own-analyser", action="store_true", help="kiwi in the watcher, no shared analyser")
    args = parser.parse_args()
    data_dir = fresh_data_dir("poll")
    setup_django(WIREWATCH_ALLOW_INTERNAL_SOURCES="127.0.0.0/8")
    port = free_port()
    Feeds.publish_every = args.publish_every
    server = ThreadingHTTPServer(("0.0.0.0", port), Feeds)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    add_sources(args.sources, port, args.interval, args.korean)
    analyser = start_analyser(args, data_dir)
    env = {**os.environ, "WIREWATCH_DATA_DIR": str(data_dir), "WIREWATCH_LOG_LEVEL": "WARNING"}
    watcher = subprocess.Popen([sys.executable, "-m", "wirewatch.cli", "watch"], env=env)
    try:
        from wirewatch.archive.models import Article

        # The first pass stores each feed's first 5 articles: the initial import, not the steady state.
        while Article.objects.count() < 5 * args.sources and watcher.poll() is None:
            time.sleep(0.5)
        print(f"initial pass: {Article.objects.count()} articles stored from {args.sources} sources")
        before = Article.objects.count()
        pids = {"watcher": watcher.pid} | ({"analyser": analyser.pid} if analyser else {})
        steady = measure(pids, args.seconds)
        stored = Article.objects.count() - before
        report(args, steady, stored)
    finally:
        for process in (watcher, analyser):
            if process is not None:
                process.terminate()
                process.wait(timeout=60)
        server.shutdown()


def report(args: argparse.Namespace, steady: dict[str, dict], stored: int) -> None:
    polls = args.sources * args.seconds / args.interval
    print(
        f"{args.sources} sources ({args.korean} Korean), every {args.interval} s, {args.seconds:.0f} s measured (~{polls:.0f} polls), "
        f"{stored} new articles stored"
    )
    watcher = steady["watcher"]
    print(
        f"watcher CPU {watcher['cpu_share'] * 100:.1f}% of one core (goal < 5%) — at the real 5-minute interval "
        f"that is {watcher['cpu_share'] * args.interval / 300 * 100:.2f}%"
    )
    print(f"watcher RSS peak {watcher['rss_peak_mb']:.0f} MB (goal < 300 MB)")
    if "analyser" in steady:
        shared = steady["analyser"]
        print(
            f"shared Korean analyser (one per host, serving every process): CPU {shared['cpu_share'] * 100:.1f}%, "
            f"{shared['cpu_share'] * args.interval / 300 * 100:.2f}% at 5 minutes; RSS peak "
            f"{shared['rss_peak_mb']:.0f} MB; with the watcher {watcher['rss_peak_mb'] + shared['rss_peak_mb']:.0f} MB"
        )


if __name__ == "__main__":
    main()
