"""A Redis that hangs rather than refuses: every Redis client of the workers, the scheduler, the politeness
locks and ``wirewatch doctor`` gives up after WIREWATCH_REDIS_TIMEOUT seconds, and the scheduler backs off.

No real Redis is needed (these run on both passes): the "Redis" is a local server that accepts and never
answers (tests/scale/blackhole.py), or one whose connections never complete. Each call runs in a thread that
the test waits for with a generous bound, so a client that hangs fails the test instead of hanging it.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator

import pytest
import redis

from tests.scale.blackhole import Blackhole, ConnectHangs
from tests.scale.test_scheduler_redis_outage import PAUSED, TICK, Scheduler
from wirewatch.scale import run, tasks
from wirewatch.scale.limiter import RedisHostLimiter, connect, exclusive
from wirewatch.serving.doctor import check_queue, check_redis

TIMEOUT = 0.2  # seconds: WIREWATCH_REDIS_TIMEOUT in these tests
BOUND = 20.0  # seconds: far above what any call here should take; only there so that a hang fails the test
REDIS_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


@pytest.fixture(params=["reads hang", "connect hangs"])
def hanging(request, settings) -> Iterator[Blackhole | ConnectHangs]:
    settings.REDIS_TIMEOUT = TIMEOUT
    server = Blackhole() if request.param == "reads hang" else ConnectHangs()
    if isinstance(server, ConnectHangs) and not server.full:
        server.close()
        pytest.skip("this kernel completes every connection: a connect that hangs cannot be made locally")
    yield server
    server.close()


def outcome(call: Callable[[], object]) -> object:
    """What ``call`` returned or raised, from a thread given BOUND seconds; a call still running fails the test."""
    result: list[object] = []

    def target() -> None:
        try:
            result.append(call())
        except Exception as exc:
            result.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(BOUND)
    if thread.is_alive():
        pytest.fail(f"still waiting on a Redis that hangs after {BOUND} s")
    return result[0]


def gives_up(call: Callable[[], object]) -> Exception:
    raised = outcome(call)
    assert isinstance(raised, REDIS_ERRORS), raised
    return raised


def use_slot(limiter: RedisHostLimiter) -> None:
    with limiter.slot("example.test", delay=0.0, max_wait=30):
        pass


def hold(client: redis.Redis) -> None:
    with exclusive(client, "poll:1"):
        pass


def test_the_politeness_limiter_and_locks_give_up(hanging):
    client = connect(hanging.url)
    gives_up(client.ping)
    limiter = RedisHostLimiter(connect(hanging.url))
    gives_up(lambda: limiter.blocked_for("example.test"))
    gives_up(lambda: limiter.block("example.test", 60))
    gives_up(lambda: use_slot(limiter))
    gives_up(lambda: hold(connect(hanging.url)))


def test_the_task_broker_gives_up_and_calls_it_a_connection_error(hanging):
    broker = tasks.make_broker(hanging.url)
    gives_up(broker.client.ping)
    # Dramatiq's commands: a timeout reaches Dramatiq as a connection error, which it handles as "broker away".
    assert isinstance(gives_up(lambda: broker.do_qsize("poll")), redis.exceptions.ConnectionError)
    message = tasks.poll.message(1)
    assert isinstance(gives_up(lambda: broker.enqueue(message)), redis.exceptions.ConnectionError)


def test_one_scheduler_round_reports_the_outage_once_and_backs_off(hanging, monkeypatch, caplog):
    monkeypatch.setattr(tasks, "broker", tasks.make_broker(hanging.url))
    caplog.set_level(logging.WARNING, logger="wirewatch.scale.run")
    outage = outcome(lambda: run._schedule_round(None, tick=1.0))
    assert isinstance(outage, run._Outage)
    again = outcome(lambda: run._schedule_round(outage, tick=1.0))
    assert again is outage and outage.tries == 2 and outage.wait(1.0) == 2.0  # the next try waits longer
    warnings = [record.getMessage() for record in caplog.records if record.name == "wirewatch.scale.run"]
    assert len(warnings) == 1 and PAUSED in warnings[0], warnings


def test_doctor_fails_on_a_redis_that_hangs(hanging, settings):
    settings.REDIS_URL = hanging.url
    redis_check = outcome(check_redis)
    assert redis_check.status == "FAIL" and "unreachable" in redis_check.detail, redis_check
    assert outcome(check_queue).status == "FAIL"


def test_the_scheduler_process_backs_off_from_a_redis_that_hangs_and_stops_on_sigterm(tmp_path):
    """The real ``wirewatch scheduler`` loop (a fresh single-machine data directory: it never gets past Redis):
    one warning, tries again and again (each try a new connection to the silent server), no traceback."""
    hole = Blackhole()
    env = {
        **os.environ,
        "REDIS_URL": hole.url,
        "WIREWATCH_REDIS_TIMEOUT": str(TIMEOUT),
        "WIREWATCH_DATA_DIR": str(tmp_path),
    }
    scheduler = Scheduler(env)
    try:
        scheduler.wait_for(PAUSED, 1)
        tried = len(hole.accepted)
        deadline = time.monotonic() + 30
        while len(hole.accepted) < tried + 2 and time.monotonic() < deadline:
            time.sleep(TICK)
        assert len(hole.accepted) >= tried + 2, "the scheduler stopped trying"
        assert scheduler.stop() == 0
    finally:
        if scheduler.process.poll() is None:
            scheduler.process.kill()
            scheduler.process.wait(timeout=30)
        hole.close()
    output = scheduler.output
    assert "Traceback" not in output, output
    assert output.count(PAUSED) == 1, output
