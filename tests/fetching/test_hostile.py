"""Hostile servers: endless bodies, lying lengths, gzip bombs, trickles. Each ends in a clear FetchError, fast,
without reading or holding more than the cap."""

import gzip
import threading
import time
import tracemalloc
import zlib

import pytest

from tests.sites.server import Page
from tests.sites.streaming import Stream, endless, trickle
from wirewatch.fetching.client import FetchError, PoliteClient
from wirewatch.fetching.models import Fetch
from wirewatch.fetching.warc import WarcLocation, read_record

pytestmark = pytest.mark.django_db(transaction=True)

CAP = 1024 * 1024  # the client fixture's max_bytes


@pytest.fixture
def quick(warc):
    """A client with a 1 s timeout, for the tests that wait for it."""
    with PoliteClient(timeout=1, warc=warc, obey_robots=False) as polite:
        yield polite


def fetch_error(client, url: str) -> FetchError:
    with pytest.raises(FetchError) as caught:
        client.get(url, delay=0, purpose="article")
    return caught.value


def test_endless_body_stops_at_the_cap_without_reading_it_all(client, stream_site):
    stream_site.routes["/huge"] = Stream(endless())  # 50 MB and more, chunked, no Content-Length
    error = fetch_error(client, stream_site.url("/huge"))
    assert error.kind == "too-large" and error.status == 200
    assert stream_site.done.wait(5)
    assert stream_site.sent["/huge"] < 16 * CAP  # what the socket buffers held when we hung up
    assert Fetch.objects.get(pk=error.fetch_id).error.startswith("too-large")


def test_content_length_over_the_cap_is_refused_before_reading(client, stream_site):
    stream_site.routes["/lie"] = Stream(endless(b"y" * 1024), content_length=50 * 1024 * 1024)
    started = time.monotonic()
    error = fetch_error(client, stream_site.url("/lie"))
    assert error.kind == "too-large" and "Content-Length" in error.message
    assert time.monotonic() - started < 1.0


def test_gzip_bomb_stops_at_the_decoded_cap_with_memory_near_the_cap(client, site):
    bomb = gzip.compress(b"\0" * (50 * 1024 * 1024))  # 50 MB of zeros in ~50 KB
    site.routes["/bomb"] = Page(bomb, headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})
    tracemalloc.start()
    try:
        error = fetch_error(client, site.url("/bomb"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error.kind == "too-large"
    assert peak < 4 * CAP  # the body buffer plus one inflated step; httpx's own decoders would hold ~64 MB


def test_gzip_and_deflate_bodies_are_decoded_and_stored_decoded(client, site, warc):
    text = "<p>로동신문 " * 200 + "</p>"
    site.routes["/gz"] = Page(gzip.compress(text.encode()), headers={"Content-Encoding": "gzip"})
    site.routes["/zlib"] = Page(zlib.compress(text.encode()), headers={"Content-Encoding": "deflate"})
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    site.routes["/raw"] = Page(
        raw.compress(text.encode()) + raw.flush(), headers={"Content-Encoding": "deflate"}
    )
    for path in ("/gz", "/zlib", "/raw"):
        response = client.get(site.url(path), delay=0, purpose="article")
        assert response.text == text, path
        row = Fetch.objects.get(pk=response.fetch_id)
        headers, body = read_record(
            warc.directory, WarcLocation(row.warc_file, row.warc_offset, row.warc_record_id)
        )
        assert body == text.encode() and row.body_bytes == len(body)
        assert headers.get_header("Content-Encoding") is None
        assert headers.get_header("X-Archive-Orig-Content-Encoding") in ("gzip", "deflate")


def test_corrupt_gzip_is_a_connection_error(client, site):
    site.routes["/bad"] = Page(b"\x1f\x8b\x08\x00garbage-not-gzip", headers={"Content-Encoding": "gzip"})
    assert fetch_error(client, site.url("/bad")).kind == "connection"


def test_unasked_for_encoding_is_a_connection_error(client, site):
    site.routes["/br"] = Page(b"\x0b\x02\x80hello\x03", headers={"Content-Encoding": "br"})
    error = fetch_error(client, site.url("/br"))
    assert error.kind == "connection" and "br" in error.message


def test_slow_trickle_body_ends_at_the_timeout(quick, stream_site):
    stream_site.routes["/drip"] = Stream(trickle(0.05))  # a byte every 50 ms, forever: never a read timeout
    started = time.monotonic()
    error = fetch_error(quick, stream_site.url("/drip"))
    assert error.kind == "timeout"
    assert 1.0 <= time.monotonic() - started < 1.8
    assert Fetch.objects.get(pk=error.fetch_id).elapsed_ms >= 1000


def test_server_that_never_answers_times_out(quick, stream_site):
    stream_site.routes["/silent"] = Stream(endless(), header_delay=10)
    started = time.monotonic()
    assert fetch_error(quick, stream_site.url("/silent")).kind == "timeout"
    assert time.monotonic() - started < 1.8


def test_headers_trickled_forever_end_at_the_timeout(quick, stream_site):
    stream_site.routes["/slowloris"] = Stream(endless(), header_trickle=0.05)
    errors: list[FetchError] = []

    def fetch() -> None:  # in a thread, so that a regression fails the test instead of hanging the suite
        errors.append(fetch_error(quick, stream_site.url("/slowloris")))

    started = time.monotonic()
    worker = threading.Thread(target=fetch, daemon=True)
    worker.start()
    worker.join(timeout=5)
    assert not worker.is_alive(), "still reading trickled headers after 5 s"
    assert 1.0 <= time.monotonic() - started < 1.8
    assert errors[0].kind == "timeout"
    assert stream_site.done.wait(2)  # we hung up on it
