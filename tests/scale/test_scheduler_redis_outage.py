"""``wirewatch scheduler`` across Redis outages: started while Redis is down, and Redis stopped while it runs.

A real redis-server on a free loopback port, started late and stopped and started again; the scheduler is a
subprocess whose log is read line by line. Like alert delivery on a database outage (docs/operations.md): one
warning per outage, one line when Redis is back, no traceback, and the due source is queued again afterwards.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import dramatiq
import pytest
import redis

from tests.factories import make_source
from tests.faults.pgserver import free_port
from tests.scale.test_workers import _database_url

TICK = 0.3  # seconds between the scheduler's looks: backoff from here while Redis is away
PAUSED = "scheduling paused: Redis unavailable"
BACK = "Redis back: scheduling resumed"


class Scheduler:
    """The looping scheduler as a subprocess; its log lines gathered by a thread so that tests can wait on them."""

    def __init__(self, env: dict[str, str]) -> None:
        code = "import sys; from wirewatch.cli import main; sys.exit(main(sys.argv[1:]))"
        self.process = subprocess.Popen(
            [sys.executable, "-c", code, "scheduler", "--tick", str(TICK)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    def wait_for(self, text: str, count: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while self.output.count(text) < count:
            if self.process.poll() is not None:
                self.reader.join(timeout=5)
                pytest.fail(
                    f"scheduler exited ({self.process.returncode}) waiting for {text!r}:\n{self.output}"
                )
            if time.monotonic() > deadline:
                pytest.fail(f"no {text!r} (#{count}) within {timeout} s:\n{self.output}")
            time.sleep(0.05)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=30)
        self.reader.join(timeout=5)
        return code


def _redis_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            client.ping()
            return server
        except redis.exceptions.ConnectionError:
            time.sleep(0.05)
    server.kill()
    pytest.fail(f"redis-server on port {port} did not answer within 10 s")


def _wait_for_poll(port: int, source_id: int, timeout: float = 30) -> None:
    """Until the poll queue of the Redis on ``port`` holds a message for ``source_id`` (dramatiq's message hash)."""
    from wirewatch.scale.tasks import NAMESPACE

    client = redis.Redis(port=port)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        queued = [dramatiq.Message.decode(raw).args for raw in client.hvals(f"{NAMESPACE}:poll.msgs")]
        if [source_id] in [list(args) for args in queued]:
            return
        time.sleep(0.1)
    pytest.fail(f"no poll of source {source_id} queued within {timeout} s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=30)


def test_scheduler_waits_out_redis_outages_with_one_warning_each_and_no_traceback(scale_services, tmp_path):
    if shutil.which("redis-server") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is needed for the Redis outage test (.ci/run installs it)")
        pytest.skip("redis-server is not installed")
    source = make_source(slug="due-every-second", poll_interval=1)
    port = free_port()  # nothing listens there yet: Redis is down when the scheduler starts
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(scale_services),
        "REDIS_URL": f"redis://127.0.0.1:{port}/0",
        "WIREWATCH_DATA_DIR": str(tmp_path),
    }
    scheduler = Scheduler(env)
    server = None
    try:
        scheduler.wait_for(PAUSED, 1)
        time.sleep(TICK * 8)  # several failed tries: still one warning
        server = _redis_server(port)
        scheduler.wait_for(BACK, 1)
        _wait_for_poll(port, source.pk)
        _stop(server)  # Redis goes away while the scheduler runs (its queue with it: --save "")
        scheduler.wait_for(PAUSED, 2)
        time.sleep(TICK * 8)
        server = _redis_server(port)
        scheduler.wait_for(BACK, 2)
        _wait_for_poll(port, source.pk)  # queued again on the new, empty server
        assert scheduler.stop() == 0
    finally:
        _stop(scheduler.process)
        if server is not None:
            _stop(server)
    output = scheduler.output
    assert "Traceback" not in output, output
    assert output.count(PAUSED) == 2, output
    assert output.count(BACK) == 2, output


def test_scheduler_retry_wait_doubles_from_the_tick_and_stops_at_the_bound():
    from wirewatch.scale.run import RETRY_MAX, _Outage

    waits = [_Outage(since=0.0, tries=tries).wait(5.0) for tries in range(1, 9)]
    assert waits == [5.0, 10.0, 20.0, 40.0, RETRY_MAX, RETRY_MAX, RETRY_MAX, RETRY_MAX]
    assert RETRY_MAX == 60.0
