"""parse_sitemap: urlset, sitemap index, gzip, Google News extension, limits."""

from __future__ import annotations

import gzip
import zlib
from datetime import UTC, datetime

import httpx

from tests.sites.server import Page
from wirewatch.discovery import parse_sitemap
from wirewatch.discovery.sitemaps import MAX_DECOMPRESSED, MAX_URLS

NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
NEWS_NS = 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'


def urlset(body: str, extra_ns: str = "") -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset {NS} {extra_ns}>{body}</urlset>'.encode()


def test_urlset_gives_locations_and_lastmod_in_utc():
    body = urlset(
        "<url><loc>http://www.rodong.rep.kp/en/index.php?strPageID=SF01_02_01&amp;newsID=2022-02-11-0001</loc>"
        "<lastmod>2022-02-11T08:00:00+09:00</lastmod></url>"
        "<url><loc> http://e.com/b </loc><lastmod>2024-07</lastmod></url>"
        "<url><loc>http://e.com/c</loc><lastmod>not a date</lastmod></url>"
    )
    result = parse_sitemap(body, url="http://e.com/sitemap.xml")
    assert [(c.url, c.published) for c in result.candidates] == [
        (
            "http://www.rodong.rep.kp/en/index.php?strPageID=SF01_02_01&newsID=2022-02-11-0001",
            datetime(2022, 2, 10, 23, 0, tzinfo=UTC),
        ),
        ("http://e.com/b", datetime(2024, 7, 1, tzinfo=UTC)),
        ("http://e.com/c", None),
    ]
    assert result.error is None and result.next_urls == []


def test_sitemap_index_lists_child_sitemaps_as_next_urls():
    body = (
        f'<?xml version="1.0"?><sitemapindex {NS}>'
        "<sitemap><loc>http://e.com/sitemap-2024.xml.gz</loc><lastmod>2024-10-29</lastmod></sitemap>"
        "<sitemap><loc>/sitemap-2025.xml</loc></sitemap><sitemap><loc>javascript:x</loc></sitemap>"
        "</sitemapindex>"
    ).encode()
    result = parse_sitemap(body, url="http://e.com/sitemap_index.xml")
    assert result.next_urls == ["http://e.com/sitemap-2024.xml.gz", "http://e.com/sitemap-2025.xml"]
    assert result.candidates == [] and result.error is None


def test_gzip_sitemap_is_decompressed():
    body = gzip.compress(urlset("<url><loc>http://e.com/a</loc></url>"))
    assert [c.url for c in parse_sitemap(body, url="http://e.com/s.xml.gz").candidates] == ["http://e.com/a"]


def test_google_news_sitemap_gives_publication_date_and_title():
    body = urlset(
        "<url><loc>http://e.com/news/1</loc><lastmod>2024-01-01</lastmod><news:news>"
        "<news:publication><news:name>KCNA</news:name><news:language>en</news:language></news:publication>"
        "<news:publication_date>2024-07-14T10:00:00+09:00</news:publication_date>"
        "<news:title>Kim Jong Un &amp; Party   Plenum</news:title></news:news></url>",
        NEWS_NS,
    )
    (candidate,) = parse_sitemap(body, url="http://e.com/news.xml").candidates
    assert candidate.title == "Kim Jong Un & Party Plenum"
    assert candidate.published == datetime(2024, 7, 14, 1, 0, tzinfo=UTC)


def test_non_ascii_titles_and_paths_are_read_as_utf8():
    body = urlset(
        "<url><loc>http://e.kp/기사/1</loc><news:news><news:title>김정은동지께서 현지지도</news:title></news:news></url>",
        NEWS_NS,
    )
    (candidate,) = parse_sitemap(body, url="http://e.kp/sitemap.xml").candidates
    assert candidate.url == "http://e.kp/%EA%B8%B0%EC%82%AC/1"
    assert candidate.title == "김정은동지께서 현지지도"


def test_gzip_bomb_is_capped():
    bomb = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b" " * (1024 * 1024)
    body = b"".join(bomb.compress(chunk) for _ in range(MAX_DECOMPRESSED // len(chunk) + 2)) + bomb.flush()
    assert len(body) < 1024 * 1024
    result = parse_sitemap(body, url="http://e.com/bomb.xml.gz")
    assert result.error and "decompresses to more than" in result.error


def test_corrupt_gzip_gives_a_clear_error():
    result = parse_sitemap(b"\x1f\x8b\x08\x00garbage", url="http://e.com/s.xml.gz")
    assert result.error and "not valid gzip" in result.error


def test_urls_are_capped_at_the_protocols_fifty_thousand():
    body = urlset("".join(f"<url><loc>http://e.com/a?id={i}</loc></url>" for i in range(MAX_URLS + 2)))
    result = parse_sitemap(body, url="http://e.com/s.xml")
    assert len(result.candidates) == MAX_URLS
    assert f"sitemap lists {MAX_URLS + 2} URLs; only the first {MAX_URLS} were read" in result.warnings


def test_ill_formed_or_foreign_xml_gives_a_clear_error():
    assert (
        parse_sitemap(b"<urlset><url><loc>x</url>", url="http://e.com/s").error
        == "sitemap is not well-formed XML"
    )
    assert parse_sitemap(b"", url="http://e.com/s").error == "sitemap is not well-formed XML"
    error = parse_sitemap(b"<rss><channel/></rss>", url="http://e.com/s").error
    assert error == "not a sitemap: the root element is <rss>, not <urlset> or <sitemapindex>"


def test_sitemap_without_namespace_is_still_read():
    body = b"<urlset><url><loc>http://e.com/a</loc></url><url><lastmod>2024-01-01</lastmod></url></urlset>"
    result = parse_sitemap(body, url="http://e.com/s.xml")
    assert [c.url for c in result.candidates] == ["http://e.com/a"]
    assert result.warnings == ["1 <url> entries had no usable <loc>"]


def test_gzip_sitemap_served_over_http_is_read(site):
    site.routes["/sitemap.xml.gz"] = Page(
        gzip.compress(urlset("<url><loc>/en/article/q/abc.kcmsf</loc></url>")),
        headers={"Content-Type": "application/x-gzip"},
    )
    response = httpx.get(site.url("/sitemap.xml.gz"))
    result = parse_sitemap(response.content, url=str(response.url))
    assert [c.url for c in result.candidates] == [site.url("/en/article/q/abc.kcmsf")]
