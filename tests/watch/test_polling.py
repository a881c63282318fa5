"""Polling sources end to end: discovery, polite fetching, extraction and storage, on local sites."""

from datetime import UTC, datetime

import pytest

from tests.sites.news import ARTICLE_RULES, LISTING_RULES, Story, rss, serve_listing, sitemap
from tests.sites.server import Page
from wirewatch.archive.models import Article, Version
from wirewatch.fetching.client import PoliteClient
from wirewatch.sources.models import Source
from wirewatch.sources.services import add_source
from wirewatch.watch.loop import run_once

pytestmark = pytest.mark.django_db(transaction=True)


def stories(count: int, prefix: str = "/a") -> list[Story]:
    return [
        Story(
            f"{prefix}/{n}",
            f"Headline number {n}",
            [f"Story {n} opens here. " * 4, "Second paragraph."],
            f"2025-03-{n % 28 + 1:02d}",
        )
        for n in range(count, 0, -1)
    ]


def listing_source(site, count=45, **extra):
    url = serve_listing(site, stories(count))
    rules = {"listing": LISTING_RULES, "article": ARTICLE_RULES}
    return add_source("Local", "En", "en", listings=[url], rules=rules, delay=0, **extra)


def test_a_listing_source_is_polled_across_its_pages(site):
    source = listing_source(site)
    [report] = run_once()
    assert report.ok and report.new_articles == 45
    assert Article.objects.filter(source=source).count() == 45
    article = Article.objects.get(url=site.url("/a/7"))
    assert article.title == "Headline number 7" and not article.title_is_lead
    assert article.published == datetime(2025, 3, 8, tzinfo=UTC) and not article.published_is_estimate
    assert Source.objects.get(pk=source.pk).status == Source.Status.OK


def test_a_second_poll_adds_nothing_and_stops_paging_at_the_first_known_page(site):
    listing_source(site)
    run_once()
    hits_before = len(site.hits)
    [report] = run_once()
    assert report.new_articles == 0
    assert Version.objects.count() == 45
    assert [h.path for h in site.hits[hits_before:] if h.path != "/robots.txt"] == ["/list/1"]


def test_only_new_articles_are_fetched_when_the_source_publishes(site):
    listing_source(site, count=5)
    run_once()
    fresh = Story("/a/new", "Something new happened", ["It happened today. " * 3], "2025-03-30")
    serve_listing(site, [fresh, *stories(5)])
    hits_before = len(site.hits)
    [report] = run_once()
    assert report.new_articles == 1
    assert sorted(h.path for h in site.hits[hits_before:] if h.path != "/robots.txt") == ["/a/new", "/list/1"]


def test_a_feed_is_polled_with_conditional_get(site):
    items = [(s, datetime(2025, 1, n, 12, tzinfo=UTC)) for n, s in enumerate(stories(3), start=1)]
    for story, _ in items:
        site.routes[story.path] = Page(story.html())

    def feed(hit):
        if hit.headers.get("If-None-Match") == '"v1"':
            return Page(b"", status=304, headers={"ETag": '"v1"'})
        return Page(rss(site, items), headers={"Content-Type": "application/rss+xml", "ETag": '"v1"'})

    site.routes["/feed.xml"] = feed
    add_source("Feedy", "En", "en", feeds=[site.url("/feed.xml")], delay=0)
    [first] = run_once()
    [second] = run_once()
    assert first.new_articles == 3 and second.discovered == 0 and second.ok
    assert site.hits_for("/feed.xml")[1].headers.get("If-None-Match") == '"v1"'
    assert Article.objects.get(url=site.url("/a/1")).published == datetime(2025, 1, 3, 12, tzinfo=UTC)


def test_a_sitemap_is_polled(site):
    paths = [s.path for s in stories(4)]
    for story in stories(4):
        site.routes[story.path] = Page(story.html())
    site.routes["/sitemap.xml"] = Page(sitemap(site, paths), headers={"Content-Type": "application/xml"})
    add_source(
        "Mapped", "En", "en", sitemaps=[site.url("/sitemap.xml")], delay=0, rules={"article": ARTICLE_RULES}
    )
    [report] = run_once()
    assert report.new_articles == 4


def test_a_source_that_is_down_gets_an_error_status_and_the_others_carry_on(site):
    listing_source(site, count=3)
    down = add_source("Down", "En", "en", listings=["http://127.0.0.1:9/news"], delay=0)
    reports = {r.source: r for r in run_once()}
    assert reports["local-en"].new_articles == 3
    down.refresh_from_db()
    assert down.status == Source.Status.ERROR and "127.0.0.1:9" in down.status_message
    assert down.consecutive_errors == 1 and down.next_poll_at > down.last_polled_at


def test_broken_article_pages_are_reported_and_leave_nothing_half_written(site):
    listing_source(site, count=6)
    site.routes["/a/1"] = Page("upstream exploded", status=500)
    site.routes["/a/2"] = Page(b"\x00\xff\xfe garbage \x00" * 50, headers={"Content-Type": "text/html"})
    site.routes["/a/3"] = Page("", status=302, headers={"Location": "/a/3"})
    [report] = run_once()
    assert report.new_articles == 3
    assert {f.split(": ")[0] for f in report.failed} == {site.url(p) for p in ("/a/1", "/a/2", "/a/3")}
    assert not Article.objects.filter(current_version__isnull=True).exists()
    assert Article.objects.count() == Version.objects.count() == 3


def test_a_body_over_the_cap_is_refused_without_stopping_the_poll(site):
    listing_source(site, count=3)
    site.routes["/a/2"] = Page("<p>" + "x" * 300_000 + "</p>")
    client = PoliteClient(max_bytes=100_000)
    [report] = run_once(client=client)
    client.close()
    assert report.new_articles == 2 and len(report.failed) == 1


def test_an_euc_kr_page_is_stored_as_correct_korean(site):
    text = "조선중앙통신사는 주체115(2026)년 11월 27일 새 기사를 발표하였다. 똠방각하 같은 글자도 있다."
    html = (
        f"<html><head><meta charset='euc-kr'></head><body><h1 class='headline'>제목입니다</h1>"
        f"<div class='story'><p>{text}</p></div></body></html>"
    )
    site.routes["/ko/1"] = Page(html.encode("cp949"), headers={"Content-Type": "text/html; charset=EUC-KR"})
    site.routes["/list/1"] = Page("<ul class='news'><li><a href='/ko/1'>x</a></li></ul>")
    add_source(
        "Korean",
        "Ko",
        "ko",
        listings=[site.url("/list/1")],
        delay=0,
        rules={"listing": LISTING_RULES, "article": ARTICLE_RULES},
    )
    run_once()
    version = Version.objects.get()
    assert version.title == "제목입니다" and text in version.text and version.language == "ko"


def test_a_listing_that_no_longer_matches_its_rules_shows_rules_broken(site):
    source = listing_source(site, count=3)
    site.routes["/list/1"] = Page("<div class='redesigned'><a href='/a/1'>Story</a></div>")
    [report] = run_once()
    source.refresh_from_db()
    assert not report.ok
    assert source.status == Source.Status.RULES_BROKEN and "matched nothing" in source.status_message
