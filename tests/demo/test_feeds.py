"""The demo's feeds and sitemap are valid by their specs, and agree with the listings."""

import json

import defusedxml.ElementTree as ET
import feedparser
import httpx
import pytest

from wirewatch.demo.sites import DemoSites

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def demo():
    sites = DemoSites(seed=11, initial_articles=25, new_article_every=0)
    sites.start()
    yield sites
    sites.stop()


def feed_urls(demo: DemoSites, ending: str) -> list[str]:
    return [url for s in demo.sources() for url in s["feeds"] if url.endswith(ending)]


@pytest.mark.parametrize(("ending", "version"), [("rss.xml", "rss20"), ("atom.xml", "atom10")])
def test_xml_feeds_are_well_formed_and_list_the_newest_twenty(demo, ending, version):
    for url in feed_urls(demo, ending):
        response = httpx.get(url)
        parsed = feedparser.parse(response.content, response_headers=dict(response.headers))
        assert parsed.bozo == 0, parsed.get("bozo_exception")
        assert parsed.version == version
        assert len(parsed.entries) == 20
        assert all(entry.title and entry.link.startswith("http://127.0.0.1:") for entry in parsed.entries)
        assert parsed.entries[0].published_parsed >= parsed.entries[-1].published_parsed


def test_feed_entries_are_the_articles_on_the_listing(demo):
    source = next(s for s in demo.sources() if s["feeds"] and s["feeds"][0].endswith("rss.xml"))
    listing = httpx.get(source["listings"][0]).text
    entries = feedparser.parse(httpx.get(source["feeds"][0]).content).entries
    for entry in entries[:10]:
        assert httpx.URL(entry.link).path in listing


def test_json_feed_validates_against_the_json_feed_1_1_schema(demo, shared_dir):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((shared_dir / "data/specs/jsonfeed-1.1.schema.json").read_text())
    (url,) = feed_urls(demo, "feed.json")
    response = httpx.get(url)
    assert response.headers["content-type"].startswith("application/feed+json")
    feed = response.json()
    jsonschema.validate(feed, schema)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert len(feed["items"]) == 20


def test_json_feed_schema_check_can_fail(shared_dir):
    """The schema really constrains: a feed without items is refused (so the test above can fail)."""
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((shared_dir / "data/specs/jsonfeed-1.1.schema.json").read_text())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"version": "https://jsonfeed.org/version/1.1", "title": "x"}, schema)


def test_sitemap_lists_every_article_with_its_lastmod(demo):
    (source,) = [s for s in demo.sources() if s["sitemaps"]]
    response = httpx.get(source["sitemaps"][0])
    root = ET.fromstring(response.content)
    assert root.tag == SITEMAP_NS + "urlset"
    urls = root.findall(f"{SITEMAP_NS}url")
    assert len(urls) == 25
    assert all(u.find(f"{SITEMAP_NS}lastmod").text.startswith("20") for u in urls)
    assert httpx.get(urls[0].find(f"{SITEMAP_NS}loc").text).status_code == 200
