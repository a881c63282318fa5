"""PostgreSQL stopped while readers browse and the watcher runs: cached pages, friendly 503s, self-resuming."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from tests.faults.conftest import ROOT, environment, wirewatch
from tests.faults.pgserver import PrivatePostgres, free_port


@pytest.fixture
def postgres():
    server = PrivatePostgres().init()
    yield server
    server.destroy()


def articles(url: str) -> int:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://")) as db:
        return db.execute("SELECT count(*) FROM archive_article").fetchone()[0]


def wait_until(predicate, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if value := predicate():
                return value
        except Exception:
            pass
        time.sleep(0.3)
    raise AssertionError(f"not true within {seconds} s")


def spawn(data_dir, url: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "wirewatch.cli", *args], env=environment(data_dir, DATABASE_URL=url), cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip


def stop(process: subprocess.Popen) -> str:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        return process.communicate(timeout=20)[1]
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        return process.communicate()[1]


def test_postgres_stopped_readers_get_cached_pages_or_503_and_the_watcher_resumes(
    tmp_path, postgres, publishers
):
    data, url, port = tmp_path / "data", postgres.url, free_port()
    publisher = publishers[0].start()
    added = wirewatch(data, "sources", "add", "Busy", "--edition", "En", "--language", "en",
                      "--feed", publisher.feed_url, "--delay", "0", "--poll-interval", "1", DATABASE_URL=url)  # fmt: skip
    assert added.returncode == 0, added.stderr
    watcher, server = (
        spawn(data, url, "watch"),
        spawn(data, url, "serve", "--port", str(port), "--workers", "1"),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: articles(url) >= 5, 60)
        home = wait_until(lambda: httpx.get(f"{base}/", timeout=5), 60)
        assert home.status_code == 200
        postgres.stop()
        stale = httpx.get(f"{base}/", timeout=10)
        assert stale.status_code == 200 and stale.headers["X-Wirewatch-Stale"] and stale.text == home.text
        page = httpx.get(f"{base}/sources/", timeout=10)
        assert page.status_code == 503 and page.headers["Retry-After"] == "30"
        assert "Temporarily unavailable" in page.text and "Traceback" not in page.text
        api = httpx.get(f"{base}/api/v1/sources", timeout=10)
        assert api.status_code == 503 and api.json()["error"] == "unavailable"
        time.sleep(3)  # the watcher meets the outage
        assert watcher.poll() is None, "the watcher died while the database was down"
        during = len(publisher.served)
        postgres.start()
        wait_until(lambda: articles(url) >= during, 60)  # it resumed by itself and caught up
        assert wait_until(lambda: httpx.get(f"{base}/sources/", timeout=5).status_code == 200, 30)
    finally:
        watcher_log, server_log = stop(watcher), stop(server)
    assert "Traceback" not in server_log
    (tmp_path / "watcher.log").write_text(watcher_log)
    assert " ERROR wirewatch.watch" not in watcher_log  # the outage is a warning for the watcher, not a bug
