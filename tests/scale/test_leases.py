"""Scale-out locks are leases: a live holder keeps one past its TTL, a holder killed with -9 loses it within it."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings

from wirewatch.scale import limiter
from wirewatch.scale.limiter import RedisHostLimiter, connect, exclusive

TTL = 1.5  # seconds, instead of 15: the same code, a shorter wait


@pytest.fixture
def short_leases(scale_services, monkeypatch):
    monkeypatch.setattr(limiter, "LEASE_TTL", TTL)
    return connect(settings.REDIS_URL)


def test_a_live_holder_keeps_its_lease_past_the_ttl_and_gives_it_back_at_once(short_leases):
    with exclusive(short_leases, "lease-live") as held:
        assert held
        deadline = time.monotonic() + 3 * TTL
        while time.monotonic() < deadline:  # renewed every TTL / 3: nobody else gets it meanwhile
            with exclusive(short_leases, "lease-live") as other:
                assert not other
            time.sleep(0.2)
    with exclusive(short_leases, "lease-live") as after:
        assert after


# The holder is a process of its own, as a worker is. A fork of the suite's process (1 GB, many threads) spent
# more than the 1.5 s TTL copying pages on a busy machine, so it lost the lease it was meant to hold.
HOLDER = """
import sys, time
import django

django.setup()
from wirewatch.scale import limiter

url, ttl, name, host = sys.argv[1:5]
limiter.LEASE_TTL = float(ttl)
client = limiter.connect(url)
with limiter.RedisHostLimiter(client).slot(host, 0.0, 60) if host else limiter.exclusive(client, name):
    print("held", flush=True)
    time.sleep(60)
"""


def _hold_in_child(name: str, host: str | None) -> subprocess.Popen:
    """Start a process that takes the lease (or the host's slot), says so on stdout, and waits to die."""
    command = [sys.executable, "-c", HOLDER, settings.REDIS_URL, str(TTL), name, host or ""]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline() == "held\n"
    return child


@pytest.mark.parametrize("host", [None, "lease-host.example"])
def test_a_holder_killed_with_sigkill_frees_its_lease_within_the_ttl(short_leases, host):
    client = short_leases
    child = _hold_in_child("lease-killed", host)
    try:
        time.sleep(2 * TTL)  # the child renewed it meanwhile
        if host:
            assert client.exists(f"{settings.REDIS_PREFIX}:politeness:lock:{host}")
        else:
            with exclusive(client, "lease-killed") as taken:
                assert not taken
    finally:
        child.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        child.wait()
    if host:
        with RedisHostLimiter(client).slot(host, 0.0, 60):
            freed = time.monotonic() - killed_at
    else:
        while True:
            with exclusive(client, "lease-killed") as taken:
                if taken:
                    freed = time.monotonic() - killed_at
                    break
            time.sleep(0.05)
    assert freed <= TTL + 0.5
