"""kill -9 of the web server while readers load pages and the watcher ingests: readers never get a 5xx."""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from collections import Counter

import httpx

from tests.faults.conftest import add_sources, served_once, wirewatch
from tests.faults.pgserver import free_port
from tests.faults.test_sqlite_load import PATHS, spawn, stop
from tests.faults.test_sqlite_unavailable import granian, wait_for

KILLS = 6  # each restart costs a granian start-up: the watcher's loop (test_kill_nine) does the 50


def read(base: str, stop_event: threading.Event, statuses: Counter) -> None:
    with httpx.Client(base_url=base, timeout=10) as client:
        turn = 0
        while not stop_event.is_set():
            turn += 1
            try:
                statuses[client.get(PATHS[turn % len(PATHS)]).status_code] += 1
            except httpx.HTTPError:
                statuses["no answer"] += 1  # the server was dead at that moment: expected, not a 5xx
                time.sleep(0.05)


def test_kills_of_the_web_server_under_readers_give_no_5xx_and_lose_nothing(tmp_path, publishers):
    for publisher in publishers:
        publisher.every = 0.5  # busy, yet a short catch-up at the end
        publisher.start()
    add_sources(tmp_path, publishers)
    port, rng, statuses, done = free_port(), random.Random(3), Counter(), threading.Event()
    base = f"http://127.0.0.1:{port}"
    watcher, server = spawn(tmp_path, "watch"), granian(tmp_path, port)
    readers = [threading.Thread(target=read, args=(base, done, statuses)) for _ in range(8)]
    try:
        wait_for(base, "/")
        for reader in readers:
            reader.start()
        for _ in range(KILLS):
            time.sleep(rng.uniform(0.3, 1.5))
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
            server = granian(tmp_path, port)
            wait_for(base, "/")
    finally:
        done.set()
        for reader in readers:
            reader.join()
        stop(server)
        stop(watcher)
    for publisher in publishers:
        publisher.stop()
    assert statuses[200] > 0 and not [code for code in statuses if code != 200 and code != "no answer"], (
        statuses
    )
    assert wirewatch(tmp_path, "watch", "--once").returncode == 0
    check = wirewatch(tmp_path, "check")
    assert check.returncode == 0, check.stdout
    missing, doubled = served_once(tmp_path, publishers)
    assert not missing and not doubled
