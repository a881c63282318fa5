"""The Redis politeness limiter: two limiters with their own connections stand for two worker processes."""

import threading
import time

import pytest

from wirewatch.fetching.limiter import HostBlocked
from wirewatch.scale.limiter import RedisHostLimiter, connect


@pytest.fixture
def two_limiters(scale_services):
    from django.conf import settings

    return [RedisHostLimiter(connect(settings.REDIS_URL)) for _ in range(2)]


def test_two_processes_never_hold_one_host_at_once_and_keep_the_delay(two_limiters):
    host, delay, spans, lock = f"example.test:{time.time_ns()}", 0.05, [], threading.Lock()

    def use(limiter: RedisHostLimiter) -> None:
        for _ in range(5):
            with limiter.slot(host, delay, max_wait=30):
                start = time.monotonic()
                time.sleep(0.01)
                with lock:
                    spans.append((start, time.monotonic()))

    threads = [threading.Thread(target=use, args=(limiter,)) for limiter in two_limiters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    spans.sort()
    assert len(spans) == 10
    assert all(
        later[0] - earlier[1] >= delay * 0.95 for earlier, later in zip(spans, spans[1:], strict=False)
    )


def test_a_ban_one_process_records_stops_the_other(two_limiters):
    first, second = two_limiters
    host = f"banned.test:{time.time_ns()}"
    first.block(host, 120)
    first.block(host, 5)  # a shorter ban never shortens the longer one
    assert second.blocked_for(host) > 100
    with pytest.raises(HostBlocked), second.slot(host, 0.0, max_wait=30):
        pass
