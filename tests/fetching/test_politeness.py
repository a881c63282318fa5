"""One request at a time per host, a pause between them, hosts independent, and Retry-After obeyed."""

import threading
import time

import pytest

from tests.sites.server import Hit, Page
from wirewatch.fetching.client import FetchError, PoliteClient
from wirewatch.fetching.models import Fetch

pytestmark = pytest.mark.django_db(transaction=True)


def run_threads(targets) -> list[BaseException]:
    errors: list[BaseException] = []

    def guarded(target):
        try:
            target()
        except BaseException as error:  # noqa: BLE001 (reported to the test below)
            errors.append(error)

    threads = [threading.Thread(target=guarded, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def test_threads_on_one_host_go_one_at_a_time_with_the_delay_between(client, site):
    page_time, delay = 0.05, 0.15
    for n in range(4):
        site.routes[f"/a/{n}"] = Page(f"article {n}", delay=page_time)
    errors = run_threads(
        [lambda n=n: client.get(site.url(f"/a/{n}"), delay=delay, purpose="article") for n in range(4)]
    )
    assert errors == []
    assert site.max_in_flight == 1
    starts = sorted(hit.at for hit in site.hits)  # /robots.txt too: it waits its turn like every request
    assert len(starts) == 5
    for previous, following in zip(starts, starts[1:], strict=False):
        served_for = page_time if previous != starts[0] else 0  # robots.txt (404) is served at once
        assert following - previous >= served_for + delay - 0.02


def test_a_slow_host_does_not_hold_up_another_host(client, site, other_site):
    site.routes["/slow"] = Page("slow", delay=1.2)
    other_site.routes["/x"] = Page("x")
    other_site.routes["/y"] = Page("y")
    finished: dict[str, float] = {}

    def slow():
        client.get(site.url("/slow"), delay=0.1, purpose="article")
        finished["slow"] = time.monotonic()

    def fast():
        for path in ("/x", "/y"):
            client.get(other_site.url(path), delay=0.1, purpose="article")
        finished["fast"] = time.monotonic()

    started = time.monotonic()
    assert run_threads([slow, fast]) == []
    assert finished["fast"] - started < 1.0 < 1.2 < finished["slow"] - started


def test_429_with_retry_after_is_waited_out_then_retried(client, site):
    def throttled_once(hit: Hit) -> Page:
        if len(site.hits_for("/news")) == 1:
            return Page("slow down", status=429, headers={"Retry-After": "1"})
        return Page("the news")

    site.routes["/news"] = throttled_once
    started = time.monotonic()
    response = client.get(site.url("/news"), delay=0, purpose="listing")
    assert response.ok and response.text == "the news"
    hits = site.hits_for("/news")
    assert len(hits) == 2
    assert hits[1].at - hits[0].at >= 1.0
    assert time.monotonic() - started < 2.5
    rows = list(
        Fetch.objects.filter(url=site.url("/news")).order_by("id").values_list("status_code", flat=True)
    )
    assert rows == [429, 200]


def test_503_with_a_long_retry_after_fails_fast_and_bans_the_host(client, site):
    site.routes["/down"] = Page("maintenance", status=503, headers={"Retry-After": "3600"})
    site.routes["/other"] = Page("other")
    started = time.monotonic()
    with pytest.raises(FetchError) as caught:
        client.get(site.url("/down"), delay=0, purpose="article")
    assert caught.value.kind == "throttled"
    assert caught.value.status == 503
    assert 3590 <= caught.value.retry_after <= 3600
    assert time.monotonic() - started < 1.0
    with pytest.raises(FetchError) as again:  # the ban holds for the whole host, without asking it
        client.get(site.url("/other"), delay=0, purpose="article")
    assert again.value.kind == "throttled"
    assert site.hits_for("/other") == [] and len(site.hits_for("/down")) == 1
    assert Fetch.objects.get(pk=caught.value.fetch_id).error.startswith("throttled")
    assert Fetch.objects.get(pk=again.value.fetch_id).error.startswith("throttled")


def test_503_without_retry_after_backs_off_then_gives_up_within_max_retry_wait(site, warc):
    site.routes["/flaky"] = Page("busy", status=503)
    client = PoliteClient(timeout=2, max_retry_wait=1.5, warc=warc)
    with client, pytest.raises(FetchError) as caught:
        client.get(site.url("/flaky"), delay=0, purpose="article")
    assert caught.value.kind == "throttled"
    hits = site.hits_for("/flaky")
    assert len(hits) == 2  # waited 1 s, then the 2 s backoff was over max_retry_wait
    assert hits[1].at - hits[0].at >= 1.0
    assert caught.value.retry_after == 2.0


def test_429_retried_at_most_twice(site, warc):
    site.routes["/busy"] = Page("busy", status=429, headers={"Retry-After": "0"})
    client = PoliteClient(timeout=2, warc=warc, obey_robots=False)
    with client, pytest.raises(FetchError) as caught:
        client.get(site.url("/busy"), delay=0.05, purpose="article")
    assert caught.value.kind == "throttled"
    assert len(site.hits_for("/busy")) == 3
    assert Fetch.objects.filter(url=site.url("/busy"), status_code=429).count() == 3
