"""SQLite under load: the watcher writing continuously while 64 readers load pages from `wirewatch serve`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter

import httpx

from tests.faults.conftest import ROOT, add_sources, environment, query
from tests.faults.pgserver import free_port

READERS = 64
SECONDS = 15
PATHS = ["/", "/sources/", "/api/v1/articles", "/search?q=delegation", "/changes/"]


def spawn(data_dir, *args: str) -> subprocess.Popen:
    env = environment(data_dir, WIREWATCH_LOG_LEVEL="WARNING", WIREWATCH_API_RATE_LIMIT="100000000")
    return subprocess.Popen(
        [sys.executable, "-m", "wirewatch.cli", *args], env=env, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip


def stop(process: subprocess.Popen) -> str:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        return process.communicate(timeout=30)[1]
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        return process.communicate()[1]


def read_until(base: str, deadline: float, statuses: Counter, locked: list[str], number: int) -> None:
    with httpx.Client(base_url=base, timeout=30) as client:
        turn = number
        while time.monotonic() < deadline:
            turn += 1
            try:
                response = client.get(PATHS[turn % len(PATHS)])
            except httpx.HTTPError as exc:
                statuses[type(exc).__name__] += 1
                continue
            statuses[response.status_code] += 1
            if "locked" in response.text:
                locked.append(response.text[:200])


def test_sixty_four_readers_and_a_busy_watcher_see_no_database_is_locked(tmp_path, publishers):
    for publisher in publishers:
        for _ in range(10):
            publisher.publish()
        publisher.start()
    add_sources(tmp_path, publishers)
    port = free_port()
    watcher, server = (
        spawn(tmp_path, "watch"),
        spawn(tmp_path, "serve", "--port", str(port), "--workers", "2"),
    )
    base, statuses, locked = f"http://127.0.0.1:{port}", Counter(), []
    try:
        deadline = time.monotonic() + 60
        while (
            time.monotonic() < deadline and query(tmp_path, "SELECT count(*) FROM archive_article")[0][0] < 20
        ):
            time.sleep(0.3)
        while time.monotonic() < deadline + 30:
            try:
                if httpx.get(base + "/", timeout=30).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        before = query(tmp_path, "SELECT count(*) FROM archive_version")[0][0]
        end = time.monotonic() + SECONDS
        readers = [
            threading.Thread(target=read_until, args=(base, end, statuses, locked, n)) for n in range(READERS)
        ]
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join()
        written = query(tmp_path, "SELECT count(*) FROM archive_version")[0][0] - before
    finally:
        logs = stop(watcher) + stop(server)
    print(f"readers: {dict(statuses)}; versions written meanwhile: {written}")
    assert written > 0  # the watcher really wrote while they read
    assert sum(statuses.values()) > READERS and set(statuses) == {200}, statuses
    assert not locked and "locked" not in logs
