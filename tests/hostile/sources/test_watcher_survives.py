"""The watcher over attacking sources and one normal source, all in one pass: each attacker ends with a clear
status, in bounded time and memory, nothing half-written, and the normal source is polled as if alone."""

import time
import tracemalloc
import zlib
from datetime import UTC, datetime

import pytest
from django.db.models import Count

from tests.discovery.test_xml_attacks import attacks, feed_doc, sitemap_doc
from tests.sites.news import Story, rss
from tests.sites.server import Page
from tests.sites.streaming import Stream, endless, trickle
from wirewatch.archive.models import Article
from wirewatch.sources.models import Source
from wirewatch.sources.services import add_source
from wirewatch.watch.loop import run_once

pytestmark = pytest.mark.django_db(transaction=True)

RSS = {"Content-Type": "application/rss+xml"}
XML = {"Content-Type": "application/xml"}


def gzip_bomb(megabytes: int) -> bytes:
    """``megabytes`` MB of zeros, gzipped (~1000:1), built a megabyte at a time."""
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    zeros = b"\0" * (1024 * 1024)
    return b"".join(packer.compress(zeros) for _ in range(megabytes)) + packer.flush()


def normal_source(site):
    story = Story(
        "/a/1", "Normal story", ["Pyongyang, March 1 (KCNA) -- An ordinary day. " * 3], "2025-03-01"
    )
    site.routes[story.path] = Page(story.html())
    site.routes["/feed.xml"] = Page(rss(site, [(story, datetime(2025, 3, 1, tzinfo=UTC))]), headers=RSS)
    return add_source("Normal", "En", "en", slug="normal", feeds=[site.url("/feed.xml")], delay=0)


def serve_attackers(site, stream_site, tmp_path) -> dict[str, tuple[str, str, str]]:
    """slug -> (kind, URL, what the status message must say)."""
    huge = 5 * 1024**3
    stream_site.routes["/slow-body"] = Stream(trickle(0.05))
    stream_site.routes["/slow-headers"] = Stream(endless(), header_trickle=0.05)
    stream_site.routes["/five-gb"] = Stream(endless(), content_length=huge)
    stream_site.routes["/five-gb-chunked"] = Stream(endless())
    site.routes["/bomb.xml"] = Page(gzip_bomb(200), headers={**RSS, "Content-Encoding": "gzip"})
    site.routes["/loop-a"] = Page("", status=302, headers={"Location": "/loop-b"})
    site.routes["/loop-b"] = Page("", status=301, headers={"Location": "/loop-a"})
    site.routes["/to-metadata"] = Page("", status=307, headers={"Location": "http://169.254.169.254/latest/"})
    cases = {
        "slow-body": ("feeds", stream_site.url("/slow-body"), "timeout"),
        "slow-headers": ("feeds", stream_site.url("/slow-headers"), "timeout"),
        "five-gb": ("feeds", stream_site.url("/five-gb"), "too-large"),
        "five-gb-chunked": ("sitemaps", stream_site.url("/five-gb-chunked"), "too-large"),
        "gzip-bomb": ("feeds", site.url("/bomb.xml"), "too-large"),
        "redirect-loop": ("feeds", site.url("/loop-a"), "redirects"),
        "redirect-metadata": ("listings", site.url("/to-metadata"), "internal address"),
    }
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    site.routes["/evil.dtd"] = Page(
        '<!ENTITY leak "EVIL-WAS-FETCHED">', headers={"Content-Type": "text/plain"}
    )
    for number, (prolog, inside) in enumerate(attacks(str(secret), site.url("/evil.dtd")).values()):
        site.routes[f"/xml-feed-{number}"] = Page(feed_doc(prolog, inside), headers=RSS)
        site.routes[f"/xml-sitemap-{number}"] = Page(sitemap_doc(prolog, inside), headers=XML)
        cases[f"xml-feed-{number}"] = ("feeds", site.url(f"/xml-feed-{number}"), "refused")
        cases[f"xml-sitemap-{number}"] = ("sitemaps", site.url(f"/xml-sitemap-{number}"), "refused")
    return cases


def test_attacking_sources_get_a_clear_status_and_the_normal_source_is_unaffected(
    client, site, other_site, stream_site, tmp_path
):
    normal = normal_source(other_site)
    cases = serve_attackers(site, stream_site, tmp_path)
    for slug, (kind, url, _expected) in cases.items():
        add_source(slug, "En", "en", slug=slug, delay=0, **{kind: [url]})
    tracemalloc.start()
    started = time.monotonic()
    reports = {report.source: report for report in run_once(client=client)}
    elapsed = time.monotonic() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert reports["normal"].ok and reports["normal"].new_articles == 1
    assert Source.objects.get(pk=normal.pk).status == Source.Status.OK
    for slug, (_kind, _url, expected) in cases.items():
        source = Source.objects.get(slug=slug)
        assert source.status == Source.Status.ERROR, (slug, source.status_message)
        assert expected in source.status_message, (slug, source.status_message)
        assert source.next_poll_at > source.last_polled_at  # backs off; the watcher goes on
    assert not Article.objects.exclude(source=normal).exists()
    assert not Article.objects.annotate(n=Count("versions")).filter(n=0).exists()  # nothing half-written
    assert site.hits_for("/evil.dtd") == []
    assert all(
        sent < 64 * 1024 * 1024 for sent in stream_site.sent.values()
    )  # 5 GB never read, let alone kept
    assert peak < 64 * 1024 * 1024, f"peak traced memory {peak / 2**20:.0f} MB"
    assert elapsed < 20, f"{elapsed:.1f} s"  # the slow ones run in parallel threads, each cut at 1.5 s


def test_a_feed_of_100000_items_is_read_up_to_the_item_cap_quickly(client, site, few_articles):
    items = "".join(f"<item><link>{site.url(f'/n/{i}')}</link></item>" for i in range(100_000))
    feed = f"<?xml version='1.0'?><rss version='2.0'><channel><title>T</title>{items}</channel></rss>"
    site.routes["/big.xml"] = Page(feed, headers=RSS)
    source = add_source("Big", "En", "en", slug="big", feeds=[site.url("/big.xml")], delay=0)
    started = time.monotonic()
    [report] = run_once(client=client)
    assert time.monotonic() - started < 10
    source.refresh_from_db()
    assert report.discovered == 10_000 and len(report.failed) == 3  # the cap of the fixture; no pages served
    assert source.status == Source.Status.OK and "10000 found" in source.status_message
    state = source.discovery_states.get()
    assert "only the first 10000 were read" in state.last_error
