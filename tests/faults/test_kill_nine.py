"""kill -9 of the watcher at random moments of a busy ingest: nothing lost, nothing doubled, check passes."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

from tests.faults.conftest import ROOT, add_sources, environment, query, served_once, wirewatch

KILLS = 50


def start_zygote(data_dir) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.faults.zygote", "0.1"], env=environment(data_dir), cwd=ROOT,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip


def ask(zygote: subprocess.Popen, line: str) -> int:
    zygote.stdin.write(line + "\n")
    zygote.stdin.flush()
    return int(zygote.stdout.readline())


def kill_loop(zygote: subprocess.Popen, kills: int, rng: random.Random) -> list[int]:
    statuses = []
    for _ in range(kills):
        pid = ask(zygote, "fork")
        time.sleep(rng.uniform(0.1, 1.1))  # a random moment: fetching, extracting, inside a transaction...
        os.kill(pid, signal.SIGKILL)
        statuses.append(ask(zygote, f"reap {pid}"))
    return statuses


def test_fifty_kills_of_the_watcher_lose_nothing_and_double_nothing(tmp_path, publishers):
    add_sources(tmp_path, publishers)
    for publisher in publishers:
        publisher.start()
    zygote = start_zygote(tmp_path)
    try:
        statuses = kill_loop(zygote, KILLS, random.Random(7))
    finally:
        zygote.stdin.close()
        zygote.wait(timeout=10)
    for publisher in publishers:
        publisher.stop()
    assert all(os.WIFSIGNALED(s) and os.WTERMSIG(s) == signal.SIGKILL for s in statuses)
    assert query(tmp_path, "SELECT count(*) FROM archive_article")[0][0] > 0  # killed, yet it got work done
    caught_up = wirewatch(tmp_path, "watch", "--once")
    assert caught_up.returncode == 0, caught_up.stderr
    check = wirewatch(tmp_path, "check")
    assert check.returncode == 0, check.stdout + check.stderr
    missing, doubled = served_once(tmp_path, publishers)
    assert not missing and not doubled
