"""Web reads from a real PostgreSQL streaming replica; writers read their own writes; a dead replica is no 500.

The standby streams from the suite's own PostgreSQL server (tests/scale/replica_server.py). Pausing its WAL
replay (pg_wal_replay_pause) makes it visibly behind, which tells which server answered a request.
"""

import logging
import os
import socket
import subprocess
import sys
import time

import pytest
from django.db import connections
from django.test import Client

from tests.accounts.helpers import client_for, make_user
from tests.scale.conftest import _unavailable
from tests.scale.replica_server import Standby, Unavailable, wait_until_replayed
from tests.scale.test_workers import _database_url
from wirewatch.alerts.models import Subscription
from wirewatch.scale import replica
from wirewatch.scale.replica import PIN_COOKIE, REPLICA, check_replica

SAVE = {"name": "Missiles", "query": "missile", "channel": "email", "frequency": "immediate", "dueum": "on"}
both_databases = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


@pytest.fixture(scope="module")
def standby(django_db_setup, django_db_blocker):
    primary = connections["default"]
    if primary.vendor != "postgresql":
        pytest.skip(f"needs PostgreSQL (DATABASE_URL), this run uses {primary.vendor}")
    with django_db_blocker.unblock():
        major = primary.pg_version // 10000
    try:
        server = Standby(primary.settings_dict, major).start()
    except Unavailable as exc:
        _unavailable(f"cannot start a streaming replica: {exc}")
    test_settings = {
        **primary.settings_dict["TEST"],
        "MIRROR": "default",
    }  # never flushed or created by tests
    connections.settings[REPLICA] = {**primary.settings_dict, "HOST": "127.0.0.1", "PORT": server.port}
    connections.settings[REPLICA]["TEST"] = test_settings
    yield server
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]
    server.remove()


@pytest.fixture
def routed(standby, settings, monkeypatch):
    """The settings DATABASE_REPLICA_URL gives: the router, and the middleware first in the chain."""
    settings.DATABASE_ROUTERS = ["wirewatch.scale.replica.ReplicaRouter"]
    middleware = list(settings.MIDDLEWARE)
    settings.MIDDLEWARE = [middleware[0], "wirewatch.scale.replica.read_from_replica", *middleware[1:]]
    monkeypatch.setattr(replica, "_down_until", 0.0)
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")
    yield standby
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")


def _caught_up() -> None:
    with connections["default"].cursor() as primary, connections[REPLICA].cursor() as standby:
        wait_until_replayed(primary, standby)


def _pause_replay() -> None:
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
        for _ in range(200):
            cursor.execute("SELECT pg_get_wal_replay_pause_state()")
            if cursor.fetchone()[0] == "paused":
                return
            time.sleep(0.05)
    raise AssertionError("the standby did not pause its replay")


def _resume_replay() -> None:
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")
    _caught_up()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_without_a_replica_doctor_says_every_read_goes_to_the_primary(db):
    assert check_replica().status == "INFO"
    assert Client().get("/").status_code == 200


@both_databases
def test_web_reads_come_from_the_replica_and_a_client_that_wrote_reads_the_primary(routed, settings):
    settings.REPLICA_PIN_SECONDS = 5  # room for a loaded machine between the POST and the next GET
    analyst = make_user("ana", "analyst")
    writer, other = client_for(analyst), client_for(analyst)
    _caught_up()  # the users and sessions are on the standby
    _pause_replay()

    saved = writer.post("/alerts/save", SAVE)
    assert saved.status_code == 302 and saved.cookies[PIN_COOKIE]["max-age"] == 5

    assert "Missiles" in writer.get("/alerts/").content.decode()  # pinned: the primary
    page = other.get("/alerts/")
    assert page.status_code == 200 and "Missiles" not in page.content.decode()  # the (paused) replica
    assert Subscription.objects.filter(name="Missiles").exists()  # outside a request: the primary

    time.sleep(max(0.0, float(saved.cookies[PIN_COOKIE].value) - time.time()) + 0.1)
    # The pin has ended: the writer reads from the replica again.
    assert "Missiles" not in writer.get("/alerts/").content.decode()

    _resume_replay()
    assert "Missiles" in other.get("/alerts/").content.decode()


@both_databases
def test_an_unreachable_replica_falls_back_to_the_primary_with_one_warning(routed, caplog):
    viewer = client_for(make_user("vic", "viewer"))
    connections[REPLICA].close()
    real_port = connections.settings[REPLICA]["PORT"]
    connections[REPLICA].settings_dict["PORT"] = _closed_port()
    try:
        with caplog.at_level(logging.WARNING, logger="wirewatch.scale.replica"):
            first, second = viewer.get("/account/"), viewer.get("/account/")
    finally:
        connections[REPLICA].close()
        connections[REPLICA].settings_dict["PORT"] = real_port
    assert first.status_code == second.status_code == 200
    assert "vic" in second.content.decode()  # the session was read, from the primary
    warnings = [r for r in caplog.records if "replica unreachable" in r.getMessage()]
    assert len(warnings) == 1  # not tried again on every request


@both_databases
def test_doctor_reports_the_replica_lag_and_an_unreachable_replica(routed, settings):
    _caught_up()
    assert check_replica().status == "OK"  # other sessions share the server: a few bytes behind is fine

    _pause_replay()
    make_user("lag", "viewer")  # a write the standby does not replay
    time.sleep(1.1)
    settings.REPLICA_PIN_SECONDS = 1
    lagging = check_replica()
    assert lagging.status == "FAIL" and "bytes of WAL behind" in lagging.detail
    settings.REPLICA_PIN_SECONDS = 600
    assert check_replica().status == "OK"
    _resume_replay()

    connections[REPLICA].close()
    real_port = connections.settings[REPLICA]["PORT"]
    connections[REPLICA].settings_dict["PORT"] = _closed_port()
    try:
        down = check_replica()
    finally:
        connections[REPLICA].settings_dict["PORT"] = real_port
    assert down.status == "FAIL" and "unreachable" in down.detail


@both_databases
def test_doctor_fails_a_replica_url_that_points_at_a_primary(routed):
    connections[REPLICA].close()
    real_port = connections.settings[REPLICA]["PORT"]
    connections[REPLICA].settings_dict["PORT"] = connections["default"].settings_dict["PORT"] or 5432
    try:
        result = check_replica()
    finally:
        connections[REPLICA].settings_dict["PORT"] = real_port
    assert result.status == "FAIL" and "not a standby" in result.detail


@both_databases
def test_database_replica_url_configures_the_replica_for_wirewatch_doctor(standby):
    primary = connections["default"].settings_dict
    env = {**os.environ, "DATABASE_URL": _database_url(primary), "WIREWATCH_SECRET_KEY": "x" * 50,
           "DATABASE_REPLICA_URL": _database_url({**primary, "HOST": "127.0.0.1", "PORT": standby.port})}  # fmt: skip
    code = "import sys; from wirewatch.cli import main; sys.exit(main(sys.argv[1:]))"
    run = subprocess.run(
        [sys.executable, "-c", code, "doctor"], env=env, capture_output=True, text=True, timeout=120
    )
    assert "OK   replica:" in run.stdout, run.stdout + run.stderr
