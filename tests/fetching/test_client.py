"""PoliteClient: robots.txt, conditional GET, redirects, invalid URLs, and a Fetch row + WARC record each time."""

import socket
import threading

import pytest

from tests.sites.server import Hit, Page
from wirewatch.fetching.client import FetchError, PoliteClient
from wirewatch.fetching.models import Fetch
from wirewatch.fetching.warc import WarcLocation, read_record

pytestmark = pytest.mark.django_db(transaction=True)

ROBOTS = """User-agent: *
Disallow: /private/

User-agent: Wirewatch
Disallow: /private/
Disallow: /archive/
"""


def get(client, url, **kwargs):
    return client.get(url, delay=0, purpose=kwargs.pop("purpose", "article"), **kwargs)


def test_response_carries_status_headers_body_and_its_fetch_row(client, site):
    site.routes["/a"] = Page(
        "<p>평양</p>", headers={"Content-Type": "text/html; charset=utf-8", "ETag": '"v1"'}
    )
    response = get(client, site.url("/a"), purpose="listing")
    assert (response.status, response.ok, response.not_modified) == (200, True, False)
    assert response.headers["etag"] == '"v1"'
    assert response.text == "<p>평양</p>"
    assert response.fetched_at.utcoffset().total_seconds() == 0
    row = Fetch.objects.get(pk=response.fetch_id)
    assert (row.url, row.final_url, row.purpose, row.status_code) == (
        site.url("/a"),
        site.url("/a"),
        "listing",
        200,
    )
    assert row.body_bytes == len("<p>평양</p>".encode()) and row.error == ""
    assert site.hits_for("/a")[0].headers["User-Agent"].startswith("Wirewatch/")


def test_response_body_is_byte_equal_to_the_warc_record_the_fetch_row_points_to(client, site, warc):
    site.routes["/a"] = Page(
        "<p>조선중앙통신</p>".encode("cp949"), headers={"Content-Type": "text/html; charset=euc-kr"}
    )
    response = get(client, site.url("/a"))
    row = Fetch.objects.get(pk=response.fetch_id)
    assert row.warc_record_id == response.warc_record_id != ""
    headers, body = read_record(
        warc.directory, WarcLocation(row.warc_file, row.warc_offset, row.warc_record_id)
    )
    assert body == response.body
    assert headers.get_header("Content-Type") == "text/html; charset=euc-kr"
    assert response.text == "<p>조선중앙통신</p>"


def test_404_and_500_are_responses_not_errors(client, site):
    site.routes["/boom"] = Page("oops", status=500)
    assert get(client, site.url("/gone")).status == 404
    assert get(client, site.url("/boom")).status == 500


def test_robots_disallow_is_honoured_and_robots_is_fetched_once(client, site):
    site.routes["/robots.txt"] = Page(ROBOTS, headers={"Content-Type": "text/plain"})
    site.routes["/news/1"] = Page("one")
    site.routes["/news/2"] = Page("two")
    assert get(client, site.url("/news/1")).ok
    with pytest.raises(FetchError) as caught:
        get(client, site.url("/archive/2013"))
    assert caught.value.kind == "robots"
    assert get(client, site.url("/news/2")).ok
    assert site.hits_for("/archive/2013") == []
    assert len(site.hits_for("/robots.txt")) == 1
    assert Fetch.objects.filter(purpose="robots").count() == 1
    assert Fetch.objects.get(pk=caught.value.fetch_id).error.startswith("robots")


def test_robots_is_fetched_once_even_when_threads_ask_together(client, site):
    site.routes["/robots.txt"] = Page(ROBOTS, headers={"Content-Type": "text/plain"}, delay=0.2)
    for n in range(4):
        site.routes[f"/n/{n}"] = Page(str(n))
    threads = [threading.Thread(target=get, args=(client, site.url(f"/n/{n}"))) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(site.hits_for("/robots.txt")) == 1
    assert len(site.hits) == 5


def test_robots_server_error_allows_but_obey_robots_false_skips_it(site, warc):
    site.routes["/robots.txt"] = Page("down", status=500)
    site.routes["/a"] = Page("a")
    with PoliteClient(timeout=2, warc=warc) as client:
        assert get(client, site.url("/a")).ok
    with PoliteClient(timeout=2, warc=warc, obey_robots=False) as client:
        assert get(client, site.url("/a")).ok
    assert len(site.hits_for("/robots.txt")) == 1


def test_conditional_get_sends_validators_and_returns_304(client, site):
    def validated(hit: Hit) -> Page:
        if hit.headers.get("If-None-Match") == '"v7"':
            return Page(b"", status=304, headers={"ETag": '"v7"'})
        return Page("full page", headers={"ETag": '"v7"'})

    site.routes["/feed"] = validated
    stamp = "Fri, 27 Nov 2026 08:00:00 GMT"
    response = get(client, site.url("/feed"), purpose="feed", etag='"v7"', last_modified=stamp)
    assert response.not_modified and not response.ok and response.body == b""
    hit = site.hits_for("/feed")[0]
    assert hit.headers["If-None-Match"] == '"v7"'
    assert hit.headers["If-Modified-Since"] == stamp
    assert "If-None-Match" not in get(client, site.url("/feed")).headers  # and without validators, a 200
    assert "If-None-Match" not in site.hits_for("/feed")[1].headers


def test_redirects_are_followed_and_each_hop_recorded(client, site):
    site.routes["/old"] = Page(b"", status=301, headers={"Location": "/middle"})
    site.routes["/middle"] = Page(b"", status=302, headers={"Location": site.url("/new")})
    site.routes["/new"] = Page("new home")
    response = get(client, site.url("/old"))
    assert (response.url, response.final_url, response.text) == (
        site.url("/old"),
        site.url("/new"),
        "new home",
    )
    rows = list(
        Fetch.objects.exclude(purpose="robots").order_by("id").values_list("url", "final_url", "status_code")
    )
    assert rows == [
        (site.url("/old"), site.url("/middle"), 301),
        (site.url("/middle"), site.url("/new"), 302),
        (site.url("/new"), site.url("/new"), 200),
    ]


def test_redirect_loop_ends_in_a_redirects_error_with_every_hop_recorded(client, site):
    site.routes["/a"] = Page(b"", status=302, headers={"Location": "/b"})
    site.routes["/b"] = Page(b"", status=302, headers={"Location": "/a"})
    with pytest.raises(FetchError) as caught:
        get(client, site.url("/a"))
    assert caught.value.kind == "redirects" and caught.value.status == 302
    hops = Fetch.objects.exclude(purpose="robots").order_by("id")
    assert [row.url for row in hops] == [site.url(p) for p in ("/a", "/b", "/a", "/b")]  # max_redirects=3
    assert hops.last().pk == caught.value.fetch_id and hops.last().error.startswith("redirects")


def test_redirect_to_another_scheme_is_refused(client, site):
    site.routes["/x"] = Page(b"", status=302, headers={"Location": "file:///etc/passwd"})
    with pytest.raises(FetchError) as caught:
        get(client, site.url("/x"))
    assert caught.value.kind == "invalid-url"


@pytest.mark.parametrize(
    "url", ["ftp://kcna.kp/", "javascript:alert(1)", "http://", "not a url", "http://exa mple.com/"]
)
def test_invalid_urls_are_refused_with_a_row(client, url):
    with pytest.raises(FetchError) as caught:
        get(client, url)
    assert caught.value.kind == "invalid-url"
    assert Fetch.objects.get(pk=caught.value.fetch_id).error.startswith("invalid-url")


def test_refused_connection_is_a_connection_error_recorded_in_warc_and_db(client, warc):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/a"
    with pytest.raises(FetchError) as caught:
        get(client, url)
    assert caught.value.kind in ("connection", "timeout")
    row = Fetch.objects.filter(url=url).latest("id")
    assert row.status_code is None and row.error.startswith(caught.value.kind)
    headers, body = read_record(
        warc.directory, WarcLocation(row.warc_file, row.warc_offset, row.warc_record_id)
    )
    assert headers.get_header("WARC-Type") == "metadata" and b"fetch-error" in body


def test_every_attempt_and_refusal_has_exactly_one_fetch_row(client, site):
    site.routes["/robots.txt"] = Page(ROBOTS, headers={"Content-Type": "text/plain"})
    site.routes["/a"] = Page("a")
    site.routes["/moved"] = Page(b"", status=308, headers={"Location": "/a"})
    get(client, site.url("/a"))  # robots.txt + /a
    get(client, site.url("/missing"))  # 404
    get(client, site.url("/moved"))  # 308 + /a
    for url in (site.url("/private/x"), "mailto:kcna@kcna.kp"):  # refused before any request
        with pytest.raises(FetchError):
            get(client, url)
    rows = list(Fetch.objects.order_by("id").values_list("purpose", "status_code", "error"))
    assert [(purpose, status) for purpose, status, _ in rows] == [
        ("robots", 200), ("article", 200), ("article", 404), ("article", 308), ("article", 200),
        ("article", None), ("article", None),
    ]  # fmt: skip
    assert [error.split(":")[0] for _, _, error in rows[-2:]] == ["robots", "invalid-url"]
    assert len(site.hits) == 5
