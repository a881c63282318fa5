"""The SQLite file cannot be opened: readers get the same answers as with PostgreSQL down."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
import pytest
from django.db import connection

from tests.faults.conftest import ROOT, add_sources, environment, wirewatch
from tests.faults.pgserver import free_port
from tests.faults.test_sqlite_load import stop

FILES = ("wirewatch.sqlite3", "wirewatch.sqlite3-wal", "wirewatch.sqlite3-shm")

# A SQLite file taken away; PostgreSQL going down is tests/faults/test_database_down.py. The PostgreSQL pass
# would only repeat the SQLite pass's run (its subprocesses are on SQLite either way).
pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="about the SQLite database file: runs in the SQLite pass, PostgreSQL down is test_database_down.py",
)


def wait_for(base: str, path: str, seconds: float = 60) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if (response := httpx.get(base + path, timeout=10)).status_code == 200:
                return response
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{path} not 200 within {seconds} s")


def take_away(data_dir) -> None:
    """Move the database aside and leave a folder in its place: every new connection fails to open it."""
    for name in FILES:
        if (data_dir / name).exists():
            os.rename(data_dir / name, data_dir / f"{name}.away")
    (data_dir / FILES[0]).mkdir()


def bring_back(data_dir) -> None:
    (data_dir / FILES[0]).rmdir()
    for name in FILES:
        if (data_dir / f"{name}.away").exists():
            os.rename(data_dir / f"{name}.away", data_dir / name)


def granian(data_dir, port: int) -> subprocess.Popen:
    """The web app alone (``wirewatch serve`` would first migrate, which needs the database)."""
    command = [sys.executable, "-m", "granian", "--interface", "wsgi", "--port", str(port), "--workers", "1",
               "--blocking-threads", "1", "--no-ws", "wirewatch.wsgi:application"]  # fmt: skip
    return subprocess.Popen(
        command, env=environment(data_dir, WIREWATCH_LOG_LEVEL="WARNING"), cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip


def test_sqlite_file_gone_readers_get_their_last_good_page_or_a_friendly_503(tmp_path, publishers):
    publisher = publishers[0]
    for _ in range(5):
        publisher.publish()
    add_sources(tmp_path, [publisher])
    assert wirewatch(tmp_path, "watch", "--once").returncode == 0
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = granian(tmp_path, port)
    try:
        home = wait_for(base, "/")
    finally:
        logs = stop(server)
    take_away(tmp_path)  # a server (re)started while the database file cannot be opened
    server = granian(tmp_path, port)
    try:
        stale = wait_for(base, "/")
        assert stale.headers["X-Wirewatch-Stale"] == "database unavailable" and stale.text == home.text
        page = httpx.get(base + "/sources/", timeout=10)
        assert page.status_code == 503 and page.headers["Retry-After"] == "30"
        assert "Temporarily unavailable" in page.text and "Traceback" not in page.text
        api = httpx.get(base + "/api/v1/articles", timeout=10)
        assert api.status_code == 503 and api.json()["error"] == "unavailable"
        bring_back(tmp_path)
        assert wait_for(base, "/sources/").status_code == 200
    finally:
        logs += stop(server)
    assert "Traceback" not in logs
