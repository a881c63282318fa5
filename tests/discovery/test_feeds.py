"""parse_feed on feeds written for the behaviour at hand: links, xml:base, dates, titles, JSON Feed, limits."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx

from tests.sites.server import Page
from wirewatch.discovery import parse_feed
from wirewatch.discovery.feeds import MAX_BODY

ATOM_WITH_BASES = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://kcna.kp/en/">
  <title type="html">KCNA &lt;i&gt;Watch&lt;/i&gt;</title>
  <entry xml:base="article/q/">
    <title type="html">Kim &lt;b&gt;Jong&lt;/b&gt;   Un
      inspects</title>
    <link rel="alternate" href="abc123.kcmsf"/>
    <updated>2024-07-14T10:00:00+09:00</updated>
  </entry>
  <entry>
    <title type="text">History of the &lt;blink&gt; tag</title>
    <link href="/en/article/q/def456.kcmsf"/>
    <published>2024-10-29T00:00:00Z</published>
    <updated>2024-10-30T00:00:00Z</updated>
  </entry>
</feed>"""


def rss(items: str, extra: str = "") -> bytes:
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{extra}{items}</channel></rss>'.encode()


def test_atom_links_resolve_through_nested_xml_base():
    result = parse_feed(ATOM_WITH_BASES, url="http://mirror.example/feed.atom")
    assert [c.url for c in result.candidates] == [
        "http://kcna.kp/en/article/q/abc123.kcmsf",
        "http://kcna.kp/en/article/q/def456.kcmsf",
    ]
    assert result.error is None and result.warnings == []


def test_html_titles_become_plain_text_and_text_titles_stay_as_written():
    result = parse_feed(ATOM_WITH_BASES, url="http://mirror.example/feed.atom")
    assert [c.title for c in result.candidates] == ["Kim Jong Un inspects", "History of the <blink> tag"]
    assert result.title == "KCNA Watch"


def test_dates_become_aware_utc_and_published_wins_over_updated():
    result = parse_feed(ATOM_WITH_BASES, url="http://mirror.example/feed.atom")
    assert result.candidates[0].published == datetime(2024, 7, 14, 1, 0, tzinfo=UTC)
    assert result.candidates[1].published == datetime(2024, 10, 29, tzinfo=UTC)


def test_rss_relative_links_resolve_against_the_fetched_url():
    body = rss("<item><title>A</title><link>/en/article/q/abc.kcmsf</link></item>")
    result = parse_feed(body, url="http://kcna.kp/en/rss/feed.xml")
    assert result.candidates[0].url == "http://kcna.kp/en/article/q/abc.kcmsf"


def test_feed_served_over_http_resolves_relative_links_against_its_url(site):
    site.routes["/en/rss/feed.xml"] = Page(
        rss("<item><title>A</title><link>../article/q/abc.kcmsf?utm_campaign=x</link></item>"),
        headers={"Content-Type": "application/rss+xml; charset=utf-8"},
    )
    response = httpx.get(site.url("/en/rss/feed.xml"))
    result = parse_feed(response.content, url=str(response.url), headers=response.headers)
    assert [c.url for c in result.candidates] == [site.url("/en/article/q/abc.kcmsf")]
    assert result.encoding == "utf-8" and result.warnings == []


def test_relative_content_location_resolves_against_the_fetched_url():
    body = rss("<item><link>a.html</link></item>")
    result = parse_feed(body, url="http://e.com/feeds/rss", headers={"Content-Location": "/news/rss"})
    assert result.candidates[0].url == "http://e.com/news/a.html"


def test_rss_pubdate_with_offset_is_converted_to_utc():
    body = rss("<item><link>http://e.com/a</link><pubDate>Sun, 14 Jul 2024 09:30:00 +0900</pubDate></item>")
    assert parse_feed(body, url="http://e.com/rss").candidates[0].published == datetime(
        2024, 7, 14, 0, 30, tzinfo=UTC
    )


def test_item_without_date_or_title_still_counts():
    result = parse_feed(rss("<item><link>http://e.com/a</link></item>"), url="http://e.com/rss")
    assert result.candidates[0].published is None and result.candidates[0].title is None


def test_duplicate_and_tracking_variants_of_a_link_give_one_candidate():
    items = "".join(
        f"<item><link>{link}</link></item>"
        for link in ["http://e.com/a?id=1", "http://E.com/a?id=1&utm_source=rss", "http://e.com/a?id=1#x"]
    )
    assert [c.url for c in parse_feed(rss(items), url="http://e.com/rss").candidates] == [
        "http://e.com/a?id=1"
    ]


def test_items_without_http_links_are_skipped_with_a_warning():
    items = "<item><link>javascript:alert(1)</link></item><item><title>no link</title></item>"
    items += "<item><link>http://e.com/ok</link></item>"
    result = parse_feed(rss(items), url="http://e.com/rss")
    assert [c.url for c in result.candidates] == ["http://e.com/ok"]
    assert result.warnings == ["2 item(s) had no usable http(s) link"]


def test_ill_formed_feed_with_entries_is_used_with_a_warning():
    body = b"<rss version='2.0'><channel><item><title>A & B</title><link>http://e.com/a?x=1&y=2</link></item>"
    result = parse_feed(body, url="http://e.com/rss")
    assert result.error is None
    assert [c.url for c in result.candidates] == ["http://e.com/a?x=1&y=2"]
    assert any(w.startswith("feed is not well-formed") for w in result.warnings)


def test_html_page_is_not_a_feed():
    body = b"<!DOCTYPE html><html><head><title>Home</title></head><body><p>Hello</body></html>"
    result = parse_feed(body, url="http://e.com/", headers={"Content-Type": "text/html"})
    assert result.error and result.error.startswith("not a feed")
    assert result.candidates == []


def test_empty_and_garbage_bodies_give_a_clear_error():
    for body in [b"", b"\x00\xff\xfe garbage \x00", b"   "]:
        result = parse_feed(body, url="http://e.com/rss")
        assert result.error and result.error.startswith("not a feed"), body


def test_empty_but_valid_feed_is_not_an_error():
    result = parse_feed(rss(""), url="http://e.com/rss")
    assert result.error is None and result.candidates == [] and result.title == "T"


def test_feed_items_are_capped_at_ten_thousand_with_a_warning():
    items = "".join(f"<item><link>http://e.com/a?id={i}</link></item>" for i in range(10_003))
    result = parse_feed(rss(items), url="http://e.com/rss")
    assert len(result.candidates) == 10_000
    assert result.candidates[-1].url == "http://e.com/a?id=9999"
    assert "feed has 10003 items; only the first 10000 were read" in result.warnings


def test_oversized_body_is_refused():
    result = parse_feed(b" " * (MAX_BODY + 1), url="http://e.com/rss")
    assert result.error and "too large" in result.error


def test_a_body_that_looks_like_a_url_or_path_is_never_fetched_or_opened(site, tmp_path):
    """feedparser.parse(str/bytes) would fetch a URL or open a file; we only ever parse the body."""
    site.routes["/secret"] = Page(rss("<item><link>http://e.com/leak</link></item>"))
    secret = tmp_path / "feed.xml"
    secret.write_bytes(rss("<item><link>http://e.com/leak</link></item>"))
    for body in [site.url("/secret").encode(), str(secret).encode()]:
        result = parse_feed(body, url="http://e.com/rss")
        assert result.candidates == [] and result.error
    assert site.hits == []


def test_korean_titles_in_a_utf8_feed_are_kept():
    body = rss(
        "<item><title>  김정은동지께서\n공장을 현지지도하시였다 </title><link>http://e.com/k</link></item>"
    )
    assert (
        parse_feed(body, url="http://e.com/rss").candidates[0].title
        == "김정은동지께서 공장을 현지지도하시였다"
    )


def json_feed(items: list, **extra) -> bytes:
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": "Naenara", "items": items, **extra}
    return json.dumps(feed).encode()


def test_json_feed_items_give_url_date_and_title():
    items = [
        {"id": "1", "url": "/en/a/1", "title": "First", "date_published": "2024-07-14T10:00:00+09:00"},
        {"id": "2", "external_url": "https://other.example/x?utm_medium=feed", "title": " Second "},
        {"id": "3", "url": "https://e.com/3", "external_url": "https://other.example/y"},
    ]
    result = parse_feed(json_feed(items, language="ko"), url="https://e.com/feed.json")
    assert [(c.url, c.title) for c in result.candidates] == [
        ("https://e.com/en/a/1", "First"),
        ("https://other.example/x", "Second"),
        ("https://e.com/3", None),
    ]
    assert result.candidates[0].published == datetime(2024, 7, 14, 1, 0, tzinfo=UTC)
    assert (result.title, result.language, result.error) == ("Naenara", "ko", None)


def test_json_feed_items_without_url_or_with_odd_types_are_skipped():
    items = [{"id": "1"}, "not an object", {"url": 42}, {"url": "ftp://e.com/x"}, {"url": "https://e.com/ok"}]
    result = parse_feed(json_feed(items), url="https://e.com/feed.json")
    assert [c.url for c in result.candidates] == ["https://e.com/ok"]
    assert "4 item(s) had no usable http(s) URL" in result.warnings


def test_broken_json_feed_gives_a_clear_error():
    for body in [b'{"items": [', b'{"version": "x"}', b"[1, 2]", b"{" * 100_000]:
        result = parse_feed(
            body, url="https://e.com/feed.json", headers={"Content-Type": "application/feed+json"}
        )
        assert result.error and result.error.startswith("not a JSON feed"), body[:20]
