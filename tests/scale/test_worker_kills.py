"""kill -9 of Dramatiq workers (and now and then the scheduler) at random moments of a busy scale-out ingest:
every article is stored exactly once, and ``wirewatch check`` passes.

Each source is polled once (its interval is longer than the test), so an article missing at the end is a
message a killed worker took with it: nothing else would queue its fetch again.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.db.models import Count

from tests.factories import make_source
from tests.faults.conftest import ROOT
from tests.scale.test_workers import _database_url
from tests.sites.news import Story, sitemap
from tests.sites.server import LocalSite, Page
from wirewatch.archive.models import Article

HOSTS = ["127.0.0.1", "127.0.0.2"]
PER_HOST = 200
DELAY = 0.1  # seconds between two requests to a host: 20 s of fetching per host without kills
KILLS = 50
WORKERS = 2
SETTLE = 180  # seconds: a killed worker's messages come back after the 60 s heartbeat timeout


def _serve(site: LocalSite, number: int) -> list[str]:
    paths = [f"/news/{number}-{i}.html" for i in range(PER_HOST)]
    for i, path in enumerate(paths):
        words = f"Report {i} from host {number}: the delegation inspected the railway works."
        site.routes[path] = Page(Story(path, f"Report {number}-{i}", [words, words[::-1]]).html())
    site.routes["/sitemap.xml"] = Page(sitemap(site, paths), headers={"Content-Type": "application/xml"})
    return [site.url(path) for path in paths]


class Zygote:
    """tests/scale/worker_zygote.py as a subprocess: fork a worker or the scheduler, reap a killed one. Children
    still running when it closes (a failed test) are killed, never left behind."""

    def __init__(self, env: dict[str, str]) -> None:
        self.live: set[int] = set()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.scale.worker_zygote"], env=env, cwd=ROOT,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip

    def ask(self, line: str) -> int:
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        return int(self.process.stdout.readline())

    def start(self, kind: str) -> int:
        pid = self.ask(kind)
        self.live.add(pid)
        return pid

    def end(self, pid: int, how: signal.Signals) -> int:
        """Send ``how`` to a child and return its wait status."""
        os.kill(pid, how)
        self.live.discard(pid)
        return self.ask(f"reap {pid}")

    def close(self) -> None:
        for pid in list(self.live):
            self.end(pid, signal.SIGKILL)
        self.process.stdin.close()
        self.process.wait(timeout=30)


def _environment(data_dir, settings_dict: dict) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": _database_url(settings_dict), "REDIS_URL": settings.REDIS_URL}
    return {**env, "WIREWATCH_DATA_DIR": str(data_dir), "WIREWATCH_LOG_LEVEL": "ERROR"}


def _kill_loop(zygote: Zygote, rng: random.Random) -> tuple[list[int], list[int]]:
    """KILLS times: wait a random moment, SIGKILL a worker (one time in six the scheduler), start another."""
    running = {
        "scheduler": [zygote.start("scheduler")],
        "worker": [zygote.start("worker") for _ in range(WORKERS)],
    }
    statuses = []
    for _ in range(KILLS):
        time.sleep(rng.uniform(0.5, 3.5))  # polling, fetching, in a transaction, holding a host's lease...
        kind = "scheduler" if rng.random() < 1 / 6 else "worker"
        victim = rng.choice(running[kind])
        statuses.append(zygote.end(victim, signal.SIGKILL))
        running[kind].remove(victim)
        running[kind].append(zygote.start(kind))
    return statuses, [pid for pids in running.values() for pid in pids]


def _stored_count(expected: int, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while (stored := Article.objects.count()) < expected and time.monotonic() < deadline:
        time.sleep(1.0)
    return stored


def test_fifty_kills_of_workers_and_scheduler_lose_no_message_and_store_each_article_once(
    scale_services, tmp_path
):
    sites = [LocalSite(host).start() for host in HOSTS]
    served = set()
    for number, site in enumerate(sites):
        served |= set(_serve(site, number))
        make_source(
            slug=f"busy-{number}", home=site.url("/"), sitemaps=[site.url("/sitemap.xml")], delay=DELAY
        )
    env = _environment(tmp_path, scale_services)
    zygote = Zygote(env)
    started = time.monotonic()
    try:
        statuses, survivors = _kill_loop(zygote, random.Random(11))
        during = Article.objects.count()
        stored = _stored_count(len(served), SETTLE)
        time.sleep(2.0)  # a duplicate fetch would land now
        for pid in survivors:
            zygote.end(pid, signal.SIGTERM)  # a clean stop: the workers close their WARC files
    finally:
        zygote.close()
        for site in sites:
            site.stop()
    print(
        f"{KILLS} kills, {during} articles stored while killing, {stored} after {time.monotonic() - started:.0f} s"
    )
    assert all(os.WIFSIGNALED(s) and os.WTERMSIG(s) == signal.SIGKILL for s in statuses)
    urls = Article.objects.values("url").annotate(n=Count("id"))
    counts = {row["url"]: row["n"] for row in urls}
    assert served - set(counts) == set()  # none missing
    assert {url: n for url, n in counts.items() if n > 1} == {}  # none doubled
    assert set(counts) == served
    check = subprocess.run(
        [sys.executable, "-m", "wirewatch.cli", "check"], env=env, cwd=ROOT, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr
