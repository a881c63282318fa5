import json

import feedparser
import jsonschema
import pytest

from tests.factories import make_article, make_articles, make_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def source():
    source = make_source()
    make_articles(source, 3)
    make_article(
        source,
        "Kim Jong Un inspects a farm & <greets> workers",
        title_is_lead=True,
        html_body="<p>Full <b>body</b> text, 조선 &amp; more.</p>",
    )
    return source


@pytest.fixture
def schema(shared_dir):
    return json.loads((shared_dir / "data/specs/jsonfeed-1.1.schema.json").read_text())


@pytest.mark.parametrize(
    "url", ["/sources/naenara-en/feed.rss", "/sources/naenara-en/feed.atom", "/feed.atom", "/feed.rss"]
)
def test_rss_and_atom_feeds_are_well_formed_and_carry_every_item(client, source, url):
    response = client.get(url)
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version in ("rss20", "atom10")
    assert len(parsed.entries) == 4
    lead = parsed.entries[0]
    assert lead.title == "Kim Jong Un inspects a farm & <greets> workers"


def test_atom_carries_the_full_sanitised_body_as_content_and_our_url_as_id(client, source):
    entry = feedparser.parse(client.get("/sources/naenara-en/feed.atom").content).entries[0]
    assert entry.content[0].value == "<p>Full <b>body</b> text, 조선 &amp; more.</p>"
    assert entry.id.startswith("http://testserver/articles/") and entry.id == entry.link


def test_rss_carries_the_body_and_a_permalink_guid(client, source):
    body = client.get("/sources/naenara-en/feed.rss").content.decode()
    entry = feedparser.parse(body).entries[0]
    assert "<b>body</b>" in entry.description
    assert entry.id == entry.link and entry.id.startswith("http://testserver/articles/")
    assert f'<guid isPermaLink="true">{entry.id}</guid>' in body


def test_ids_are_stable_across_fetches_and_new_articles(client, source):
    before = {e.id for e in feedparser.parse(client.get("/feed.atom").content).entries}
    make_article(source, "Newest")
    after = {e.id for e in feedparser.parse(client.get("/feed.atom").content).entries}
    assert before < after and len(after - before) == 1


def test_json_feed_validates_against_the_json_feed_1_1_schema(client, source, schema):
    response = client.get("/sources/naenara-en/feed.json")
    assert response["Content-Type"].startswith("application/feed+json")
    feed = json.loads(response.content)
    jsonschema.validate(feed, schema)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    first = feed["items"][0]
    assert first["title"] == "Kim Jong Un inspects a farm & <greets> workers"
    assert first["_wirewatch"]["title_is_lead"] is True
    assert first["content_html"].startswith("<p>Full")
    assert first["id"] == first["url"]


def test_the_combined_json_feed_validates_too(client, source, schema):
    make_articles(make_source("rodong-ko", "Rodong Sinmun", "Ko", "ko"), 2)
    feed = json.loads(client.get("/feed.json").content)
    jsonschema.validate(feed, schema)
    assert len(feed["items"]) == 6


def test_feeds_of_a_source_in_its_language(client):
    make_article(make_source("rodong-ko", "Rodong Sinmun", "Ko", "ko"), "조선")
    assert feedparser.parse(client.get("/sources/rodong-ko/feed.rss").content).feed.language == "ko"


def test_a_feed_of_an_unknown_source_is_404(client):
    assert client.get("/sources/nope/feed.atom").status_code == 404
    assert client.get("/sources/nope/feed.json").status_code == 404


def test_a_token_in_the_feed_query_never_appears_in_the_feed(client, source, settings):
    from tests.accounts.helpers import make_user, token_for

    token = token_for(make_user("ana"))
    settings.WIREWATCH_PRIVATE = True
    body = client.get("/sources/naenara-en/feed.atom", {"token": token}).content.decode()
    assert token not in body
