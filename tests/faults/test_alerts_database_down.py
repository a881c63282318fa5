"""Alert delivery while PostgreSQL is stopped: one warning per outage, no tracebacks, resumes by itself."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.faults.conftest import ROOT, environment, wirewatch
from tests.faults.pgserver import PrivatePostgres

TICK = 0.2  # five rounds a second: an outage of a few seconds is many failed rounds
PAUSED = "alert delivery paused: database unavailable"
RESUMED = "database back: alert delivery resumed"


@pytest.fixture
def private_postgres():
    server = PrivatePostgres().init()
    yield server
    server.destroy()


def spawn_deliverer(data_dir: Path, url: str, log: Path) -> subprocess.Popen:
    """``wirewatch alerts deliver`` logging at INFO (the fault tests' default level is ERROR) into ``log``."""
    env = environment(data_dir, DATABASE_URL=url, WIREWATCH_LOG_LEVEL="INFO")
    with open(log, "w") as stderr:
        return subprocess.Popen(
            [sys.executable, "-m", "wirewatch.cli", "alerts", "deliver", "--tick", str(TICK)], env=env,
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True,
        )  # fmt: skip


def wait_for_line(log: Path, text: str, times: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while log.read_text().count(text) < times:
        assert time.monotonic() < deadline, (
            f"{text!r} not logged {times} times in {seconds} s:\n{log.read_text()}"
        )
        time.sleep(0.1)


def test_alert_delivery_warns_once_per_outage_and_resumes_without_tracebacks(tmp_path, private_postgres):
    data, url, log = tmp_path / "data", private_postgres.url, tmp_path / "deliverer.log"
    assert wirewatch(data, "alerts", "deliver", "--once", DATABASE_URL=url).returncode == 0  # schema in place
    deliverer = spawn_deliverer(data, url, log)
    try:
        wait_for_line(log, "alert delivery started", 1)
        for outage in (1, 2):
            time.sleep(1.0)  # a few good rounds
            private_postgres.stop()
            wait_for_line(log, PAUSED, outage)
            time.sleep(2.0)  # ten rounds that fail
            assert deliverer.poll() is None, "alert delivery died while the database was down"
            private_postgres.start()
            wait_for_line(log, RESUMED, outage)
        time.sleep(1.0)
        assert deliverer.poll() is None
    finally:
        os.killpg(deliverer.pid, signal.SIGTERM)
        deliverer.wait(timeout=20)
    text = log.read_text()
    assert "Traceback" not in text and " ERROR " not in text
    assert text.count(PAUSED) == 2 and text.count(RESUMED) == 2  # one warning per outage, not one per round
