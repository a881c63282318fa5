"""Retry-After parsing and robots.txt cache rules, without a network."""

from datetime import UTC, datetime

from wirewatch.fetching.retry import backoff, parse_retry_after
from wirewatch.fetching.robots import RETRY_TTL, RULES_TTL, RobotsAnswer, RobotsCache, robots_url

NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
UA = "Wirewatch/0.1 (+https://example.org)"


def test_retry_after_reads_seconds_and_http_dates():
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Fri, 27 Nov 2026 08:01:30 GMT", now=NOW) == 90.0
    assert parse_retry_after("Fri, 27 Nov 2026 07:00:00 GMT", now=NOW) == 0.0  # in the past: now
    assert parse_retry_after("99999999999") == 86400.0
    for junk in (None, "", "-5", "soon", "1.5", "Fri, 99 Nov 2026 08:01:30 GMT"):
        assert parse_retry_after(junk, now=NOW) is None


def test_backoff_doubles_from_one_second():
    assert [backoff(n) for n in range(3)] == [1.0, 2.0, 4.0]


def test_robots_url_drops_path_and_query():
    assert robots_url("https://kcna.kp/en/article/q/abc.kcmsf?x=1#f") == "https://kcna.kp/robots.txt"
    assert robots_url("http://127.0.0.1:8080/a") == "http://127.0.0.1:8080/robots.txt"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def make_cache(answer: RobotsAnswer):
    clock, calls = Clock(), []

    def fetch(url: str) -> RobotsAnswer:
        calls.append(url)
        return answer

    return RobotsCache(UA, clock=clock), fetch, clock, calls


def test_rules_are_kept_for_an_hour_then_fetched_again():
    rules = b"User-agent: wirewatch\nDisallow: /private/\n"
    cache, fetch, clock, calls = make_cache(RobotsAnswer(200, rules))
    assert not cache.allowed("http://kcna.test/private/x", fetch)
    assert cache.allowed("http://kcna.test/news", fetch)
    clock.now = RULES_TTL - 1
    assert cache.allowed("http://kcna.test/news", fetch) and len(calls) == 1
    clock.now = RULES_TTL + 1
    assert cache.allowed("http://kcna.test/news", fetch) and len(calls) == 2


def test_rules_for_other_agents_do_not_apply_to_us():
    cache, fetch, _, _ = make_cache(RobotsAnswer(200, b"User-agent: BadBot\nDisallow: /\n"))
    assert cache.allowed("http://kcna.test/news", fetch)


def test_4xx_robots_allows_all_for_an_hour():
    cache, fetch, clock, calls = make_cache(RobotsAnswer(403, b"forbidden"))
    assert cache.allowed("http://kcna.test/anything", fetch)
    clock.now = RETRY_TTL + 1
    assert cache.allowed("http://kcna.test/anything", fetch) and len(calls) == 1


def test_failed_robots_fetch_allows_but_is_retried_after_a_few_minutes():
    cache, fetch, clock, calls = make_cache(RobotsAnswer(None))
    assert cache.allowed("http://kcna.test/a", fetch)
    clock.now = RETRY_TTL + 1
    assert cache.allowed("http://kcna.test/a", fetch) and len(calls) == 2


def test_hosts_are_cached_separately_by_port():
    cache, fetch, _, calls = make_cache(RobotsAnswer(404))
    cache.allowed("http://kcna.test/a", fetch)
    cache.allowed("http://kcna.test:8080/a", fetch)
    assert calls == ["http://kcna.test/robots.txt", "http://kcna.test:8080/robots.txt"]


def test_garbage_lines_in_robots_are_skipped_and_the_rules_still_apply():
    body = b"\xff\xfe\x00<html>junk\n" * 1000 + b"User-agent: *\nDisallow: /private/\n"
    cache, fetch, _, _ = make_cache(RobotsAnswer(200, body))
    assert cache.allowed("http://kcna.test/news", fetch)
    assert not cache.allowed("http://kcna.test/private/1", fetch)
