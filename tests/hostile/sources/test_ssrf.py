"""SSRF: with internal sources disallowed, no URL, name, numeric trick or redirect hop reaches an internal
address. The canary is a real server on 127.0.0.1; it must see 0 requests in every case."""

import socket
from datetime import UTC, datetime

import pytest

from tests.sites.news import Story, rss
from tests.sites.server import LocalSite, Page
from wirewatch.fetching.client import FetchError, PoliteClient
from wirewatch.fetching.guard import is_public
from wirewatch.fetching.models import Fetch
from wirewatch.sources.models import Source
from wirewatch.sources.services import add_source
from wirewatch.watch.loop import run_once

pytestmark = pytest.mark.django_db(transaction=True)

# Internal addresses written as IP literals: refused before any connection, robots.txt included.
INTERNAL_LITERALS = [
    "169.254.169.254",  # cloud metadata (link-local)
    "10.0.0.1",
    "172.16.0.1",
    "192.168.1.1",
    "100.64.0.1",  # carrier-grade NAT (RFC 6598)
    "127.0.0.1",
    "0.0.0.0",
    "[::1]",
    "[::ffff:169.254.169.254]",  # IPv4-mapped
    "[::ffff:127.0.0.1]",
    "[fd00::1]",  # unique local
    "[fe80::1]",
    "[64:ff9b::a9fe:a9fe]",  # NAT64 of 169.254.169.254
    "224.0.0.1",
]


@pytest.fixture
def refuse_internal(settings):
    settings.WIREWATCH_ALLOW_INTERNAL_SOURCES = []


@pytest.fixture
def client():
    with PoliteClient(timeout=2, max_redirects=5) as polite:
        yield polite


@pytest.fixture
def second_host():
    """A server on 127.0.0.2: the one internal address a test allows, to redirect from."""
    local = LocalSite(host="127.0.0.2").start()
    yield local
    local.stop()


def blocked(client: PoliteClient, url: str) -> FetchError:
    with pytest.raises(FetchError) as caught:
        client.get(url, delay=0, purpose="article")
    assert caught.value.kind == "blocked", caught.value
    assert "internal address" in caught.value.message
    return caught.value


@pytest.mark.parametrize("host", INTERNAL_LITERALS)
def test_internal_ip_literals_are_refused_with_a_fetch_row_saying_so(refuse_internal, client, host):
    error = blocked(client, f"http://{host}/latest-meta-data/")
    assert "blocked: " in Fetch.objects.get(pk=error.fetch_id).error


@pytest.mark.parametrize("spelling", ["localhost", "2130706433", "0x7f000001", "127.1", "0177.0.0.1"])
def test_names_and_numeric_spellings_of_loopback_are_refused_when_connecting(
    refuse_internal, client, site, spelling
):
    site.routes["/x"] = Page("canary")
    port = site.base.rsplit(":", 1)[1]
    with pytest.raises(FetchError) as caught:
        client.get(f"http://{spelling}:{port}/x", delay=0, purpose="article")
    assert caught.value.kind in ("blocked", "invalid-url"), caught.value
    assert site.hits == []


@pytest.mark.parametrize(
    "target", ["{canary}", "http://localhost:{port}/x", "http://169.254.169.254/", "http://[::1]:{port}/x"]
)
def test_a_redirect_from_an_allowed_host_to_an_internal_one_never_reaches_it(
    settings, client, site, second_host, target
):
    settings.WIREWATCH_ALLOW_INTERNAL_SOURCES = ["127.0.0.2/32"]
    site.routes["/x"] = Page("canary")
    port = site.base.rsplit(":", 1)[1]
    location = target.format(canary=site.url("/x"), port=port)
    second_host.routes["/start"] = Page("", status=302, headers={"Location": location})
    second_host.routes["/robots.txt"] = Page("", status=404)
    blocked(client, second_host.url("/start"))
    assert [hit.path for hit in second_host.hits] == ["/robots.txt", "/start"]
    assert site.hits == []  # the canary


def test_allowed_networks_still_work_and_nothing_else_does(settings, client, site, second_host):
    settings.WIREWATCH_ALLOW_INTERNAL_SOURCES = ["127.0.0.2/32"]
    second_host.routes["/ok"] = Page("fine")
    assert client.get(second_host.url("/ok"), delay=0, purpose="article").body == b"fine"
    site.routes["/x"] = Page("canary")
    blocked(client, site.url("/x"))
    assert site.hits == []


def test_public_addresses_are_public_and_internal_ones_are_not():
    import ipaddress

    for public in ("8.8.8.8", "175.45.176.1", "2001:4860:4860::8888"):
        assert is_public(ipaddress.ip_address(public))
    for literal in INTERNAL_LITERALS:
        assert not is_public(ipaddress.ip_address(literal.strip("[]")))


def test_a_name_is_resolved_once_per_connection_and_the_checked_address_is_the_one_used(
    settings, monkeypatch, site, second_host
):
    """DNS rebinding: the first answer is an allowed address, any later one the canary. Resolving again at
    connect time (as a check-then-connect-by-name design would) would reach the canary."""
    settings.WIREWATCH_ALLOW_INTERNAL_SOURCES = ["127.0.0.2/32"]
    real = socket.getaddrinfo
    answers = iter(["127.0.0.2"] + ["127.0.0.1"] * 10)
    asked = []

    def rebinding(host, port, *args, **kwargs):
        if host == "rebind.example":
            asked.append(host)
            return real(next(answers), port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    second_host.routes["/page"] = Page("allowed host")
    site.routes["/page"] = Page("canary")
    port = second_host.base.rsplit(":", 1)[1]
    site_port = site.base.rsplit(":", 1)[1]
    with PoliteClient(timeout=2, obey_robots=False) as client:
        assert (
            client.get(f"http://rebind.example:{port}/page", delay=0, purpose="article").body
            == b"allowed host"
        )
        assert asked == ["rebind.example"]
        blocked(client, f"http://rebind.example:{site_port}/page")
    assert site.hits == []


def test_the_watcher_marks_an_internal_source_blocked_and_polls_the_others(
    refuse_internal, settings, site, second_host
):
    settings.WIREWATCH_ALLOW_INTERNAL_SOURCES = ["127.0.0.2/32"]
    story = Story("/a/1", "A normal story", ["Pyongyang, March 1 (KCNA) -- It happened. " * 3], "2025-03-01")
    second_host.routes[story.path] = Page(story.html())
    feed = rss(second_host, [(story, datetime(2025, 3, 1, tzinfo=UTC))])
    second_host.routes["/feed.xml"] = Page(feed, headers={"Content-Type": "application/rss+xml"})
    good = add_source("Normal", "En", "en", feeds=[second_host.url("/feed.xml")], delay=0)
    metadata = add_source(
        "Metadata", "En", "en", slug="metadata", feeds=["http://169.254.169.254/feed.xml"], delay=0
    )
    canary = add_source("Canary", "En", "en", slug="canary", feeds=[site.url("/feed.xml")], delay=0)
    reports = {report.source: report for report in run_once()}
    assert reports[good.slug].ok and reports[good.slug].new_articles == 1
    for source in (metadata, canary):
        source.refresh_from_db()
        assert source.status == Source.Status.ERROR
        assert "internal address" in source.status_message
    assert site.hits == []
