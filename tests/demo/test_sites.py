"""The demo sites over real HTTP: listings, article pages, encodings, robots, conditional GET, new articles."""

import re
import time
from urllib.parse import urljoin

import httpx
import pytest
from selectolax.lexbor import LexborHTMLParser

from wirewatch.demo.pages import BANNER
from wirewatch.demo.sites import DemoSites


@pytest.fixture
def demo():
    sites = DemoSites(seed=7, initial_articles=30, new_article_every=0)
    sites.start()
    yield sites
    sites.stop()


def by_edition(demo: DemoSites, name: str, edition: str) -> dict:
    return next(s for s in demo.sources() if s["name"] == name and s["edition"] == edition)


def listing_links(source: dict, url: str) -> tuple[list[str], str | None]:
    """Article URLs on one listing page (by the source's own rules), and the next page's URL."""
    response = httpx.get(url)
    assert response.status_code == 200
    tree = LexborHTMLParser(response.text)
    rules = source["rules"]["listing"]
    links = [
        urljoin(url, item.css_first(rules["link"]).attributes["href"]) for item in tree.css(rules["item"])
    ]
    following = tree.css_first(rules["next"])
    return links, urljoin(url, following.attributes["href"]) if following is not None else None


def test_there_are_three_outlets_on_three_ports_with_seven_editions(demo):
    sources = demo.sources()
    assert len(sources) == 7
    assert len({s["name"] for s in sources}) == 3
    assert len({httpx.URL(s["home"]).port for s in sources}) == 3
    assert {s["language"] for s in sources} == {"en", "ko", "zh", "ar"}
    assert all(s["timezone"] == "Asia/Pyongyang" and s["delay"] > 0 for s in sources)


def test_sources_have_rss_atom_json_feeds_a_sitemap_and_feedless_editions(demo):
    feeds = [url for s in demo.sources() for url in s["feeds"]]
    assert {url.rsplit("/", 1)[1] for url in feeds} == {"rss.xml", "atom.xml", "feed.json"}
    assert sum(bool(s["sitemaps"]) for s in demo.sources()) == 1
    assert sum(not s["feeds"] for s in demo.sources()) >= 2


def test_each_listing_pages_through_next_links_to_every_initial_article(demo):
    for source in demo.sources():
        seen: list[str] = []
        url = source["listings"][0]
        while url:
            links, url = listing_links(source, url)
            seen += links
        assert len(seen) == len(set(seen)) == 30, source["name"] + source["edition"]
        assert all(re.search(source["rules"]["listing"]["url_pattern"], link) for link in seen)


def test_every_listed_article_page_has_a_body_by_the_rules(demo):
    for source in demo.sources():
        links, _ = listing_links(source, source["listings"][0])
        response = httpx.get(links[0])
        assert response.status_code == 200
        tree = LexborHTMLParser(response.text)
        paragraphs = [p.text() for p in tree.css(source["rules"]["article"]["body"])]
        assert len(paragraphs) >= 4
        assert tree.css_first(source["rules"]["article"]["date"]) is not None
        assert BANNER in response.text


def test_title_less_portal_pages_have_no_headline_at_all(demo):
    source = by_edition(demo, "Demo Horizon Portal", "En")
    links, _ = listing_links(source, source["listings"][0])
    tree = LexborHTMLParser(httpx.get(links[0]).text)
    assert tree.css("h1, h2, h3, h4, h5, h6, meta[property='og:title']") == []
    assert tree.css_first(source["rules"]["article"]["body"]).text().startswith("Pyongyang, ")
    assert "Juche 115 (" in tree.css_first(source["rules"]["article"]["date"]).text()


def test_arabic_edition_pages_are_right_to_left(demo):
    source = by_edition(demo, "Demo Horizon Portal", "Ar")
    assert '<html lang="ar" dir="rtl">' in httpx.get(source["listings"][0]).text


def test_korean_agency_edition_is_served_in_euc_kr(demo):
    source = by_edition(demo, "Demo Central News", "Ko")
    links, _ = listing_links(source, source["listings"][0])
    for url in (source["listings"][0], links[0]):
        response = httpx.get(url)
        assert response.headers["content-type"].lower().endswith("charset=euc-kr")
        with pytest.raises(UnicodeDecodeError):
            response.content.decode("utf-8")
        text = response.content.decode("euc_kr")  # strict: every byte pair is a KS X 1001 character
        assert 'content="text/html; charset=euc-kr"' in text
        assert "주체115(" in text or "평양" in text


def test_robots_txt_is_served_per_site_and_names_the_sitemap(demo):
    portal = by_edition(demo, "Demo Horizon Portal", "Ar")
    robots = httpx.get(urljoin(portal["home"], "/robots.txt"))
    assert robots.status_code == 200
    assert "User-agent: *" in robots.text
    assert f"Sitemap: {portal['sitemaps'][0]}" in robots.text
    for source in demo.sources():
        assert httpx.get(urljoin(source["home"], "/robots.txt")).status_code == 200


def test_unchanged_listing_answers_a_conditional_get_with_304(demo):
    url = demo.sources()[0]["listings"][0]
    first = httpx.get(url)
    again = httpx.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_unknown_paths_and_pages_are_404_and_bad_page_numbers_400(demo):
    source = demo.sources()[0]
    assert httpx.get(urljoin(source["home"], "/nothing-here")).status_code == 404
    assert httpx.get(source["listings"][0] + "?page=99").status_code == 404
    assert httpx.get(source["listings"][0] + "?page=x%00").status_code == 400
    assert httpx.get(urljoin(source["home"], "article/99999.html")).status_code == 404


def test_a_new_article_appears_at_the_top_of_a_listing_after_new_article_every():
    sites = DemoSites(seed=3, initial_articles=2, new_article_every=0.2)
    sites.start()
    try:
        sources = sites.sources()
        before = {s["listings"][0]: listing_links(s, s["listings"][0])[0] for s in sources}
        deadline = time.monotonic() + 5
        grown = []
        while not grown and time.monotonic() < deadline:
            time.sleep(0.1)
            grown = [(s, listing_links(s, s["listings"][0])[0]) for s in sources]
            grown = [(s, now) for s, now in grown if len(now) > len(before[s["listings"][0]])]
        assert grown, "no edition published within 5 seconds"
        source, links = grown[0]
        earlier = before[source["listings"][0]]
        # The new ones are on top, the earlier ones below in their order (on a busy machine more than one
        # article may appear between two looks, and a listing page may push the oldest off its end).
        added = len(links) - len(earlier)
        assert added >= 1 and links[added:] == earlier[: len(links) - added]
        assert httpx.get(links[0]).status_code == 200
    finally:
        sites.stop()


def test_publish_puts_a_numbered_article_on_top_of_the_chosen_edition(demo):
    source = by_edition(demo, "Demo Voice Radio", "Ko")
    article = demo.publish("Demo Voice Radio", "Ko")
    assert article.number == 31
    links, _ = listing_links(source, source["listings"][0])
    assert links[0].endswith("/31")
    with pytest.raises(ValueError, match="no demo edition"):
        demo.publish("No Such Outlet")


def test_sources_before_start_is_a_clear_error():
    with pytest.raises(RuntimeError, match="not started"):
        DemoSites(initial_articles=1).sources()


@pytest.mark.django_db
def test_every_demo_source_registers_through_add_source(demo):
    from wirewatch.sources.services import add_source

    added = [add_source(**source) for source in demo.sources()]
    assert sorted(s.display_name for s in added)[:2] == ["Demo Central News (En)", "Demo Central News (Ko)"]
    assert len({s.slug for s in added}) == 7


def test_hostile_requests_get_clear_errors_not_crashes(demo):
    source = demo.sources()[0]
    base = source["listings"][0]
    assert httpx.get(base + "?page=" + "9" * 5000).status_code == 400  # beyond int() digit limit
    assert httpx.get(base + "?page=-3").status_code == 200  # read as page 1
    assert httpx.get(urljoin(source["home"], "/%00%ff/x<script>")).status_code == 404
    assert httpx.get(base).status_code == 200  # still serving
