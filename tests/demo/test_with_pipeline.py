"""The demo sites read by the real discovery and extraction code, with each demo source's own rules."""

import httpx
import pytest

from wirewatch.demo.sites import DemoSites
from wirewatch.discovery import parse_feed, parse_listing, parse_sitemap
from wirewatch.extraction import extract_article


@pytest.fixture(scope="module")
def demo():
    sites = DemoSites(seed=5, initial_articles=30, new_article_every=0)
    sites.start()
    yield sites
    sites.stop()


def listing(source: dict):
    url = source["listings"][0]
    response = httpx.get(url)  # httpx decodes by the Content-Type charset, as the fetcher will
    return parse_listing(
        response.text, url=url, rules=source["rules"]["listing"], timezone=source["timezone"]
    )


def test_every_demo_listing_gives_ten_dated_candidates_and_a_next_page(demo):
    for source in demo.sources():
        result = listing(source)
        assert result.error is None, source["name"] + source["edition"]
        assert len(result.candidates) == 10
        assert all(c.published is not None for c in result.candidates), (
            source["edition"],
            result.candidates[0],
        )
        assert all(c.title for c in result.candidates)
        assert result.next_urls == [source["listings"][0] + "?page=2"]


def test_every_demo_article_is_read_by_its_rules_with_a_title_and_a_date(demo):
    for source in demo.sources():
        candidate = listing(source).candidates[0]
        page = httpx.get(candidate.url)
        found = extract_article(
            page.text,
            candidate.url,
            language=source["language"],
            timezone=source["timezone"],
            rules=source["rules"]["article"],
            listing_date=candidate.published,
            listing_title=candidate.title,
        )
        label = f"{source['name']} ({source['edition']})"
        assert found.extracted_by == "rules" and found.rules_matched, label
        assert found.title and found.published is not None, label
        assert "Print" not in found.text and "Listen to this story" not in found.text, label
        assert found.published_from in ("meta", "listing"), label


def portal_lead(demo: DemoSites):
    source = next(s for s in demo.sources() if s["name"] == "Demo Horizon Portal" and s["edition"] == "En")
    candidate = listing(source).candidates[0]
    page = httpx.get(candidate.url).text
    return extract_article(
        page, candidate.url, language="en", timezone=source["timezone"], rules=source["rules"]["article"]
    )


def test_title_less_demo_pages_get_a_lead_headline(demo):
    found = portal_lead(demo)
    assert found.title_is_lead
    first_paragraph = found.text.split("\n")[0]
    assert " ".join(found.title.split()[:4]) in first_paragraph  # the headline is made from the lead
    assert found.published is not None


def test_lead_headline_drops_a_dateline_with_a_mixed_case_agency(demo):
    assert not portal_lead(demo).title.startswith("Pyongyang,")


def test_every_demo_feed_parses_with_twenty_entries(demo):
    feeds = [url for s in demo.sources() for url in s["feeds"]]
    assert len(feeds) == 4
    for url in feeds:
        response = httpx.get(url)
        result = parse_feed(response.content, url=url, headers=dict(response.headers))
        assert result.error is None, url
        assert len(result.candidates) == 20
        assert all(c.published is not None and c.title for c in result.candidates)


def test_the_demo_sitemap_parses_with_every_article(demo):
    (url,) = [u for s in demo.sources() for u in s["sitemaps"]]
    result = parse_sitemap(httpx.get(url).content, url=url)
    assert result.error is None
    assert len(result.candidates) == 30
