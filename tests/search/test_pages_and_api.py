"""/search and /api/v1/search: results with snippets, escaping, and a clear 400 for every malformed query."""

from __future__ import annotations

import importlib.util
import json
import time

import pytest

from tests.factories import make_source
from tests.search.helpers import indexed
from tests.web.html import item_ids, parse, text
from wirewatch.search.service import search
from wirewatch.web.paging import BadQuery

pytestmark = pytest.mark.django_db

MALFORMED = [
    '"unclosed phrase',
    "(missile OR test",
    "missile)",
    "NOT missile",
    "missile OR",
    "AND",
    "source:",
    "source:<script>",
    "from:2024-02-30",
    "lang:?",
    "missile\x00test",
    "missile\u202etest",
    "(" * 12 + "missile" + ")" * 12,
    " ".join(["word"] * 51),
    "x" * 100_000,
    "!!! ???",
]


@pytest.fixture
def hostile():
    source = make_source()
    return indexed(
        source,
        "<script>alert(1)</script> missile launch",
        'The missile <img src=x onerror="alert(2)"> was & is <b>launched</b>.',
    )


def test_the_page_shows_results_with_highlighted_escaped_snippets(client, hostile):
    response = client.get("/search", {"q": "missile"})
    assert response.status_code == 200
    tree = parse(response)
    assert item_ids(tree, "ol.search-items > li") == [hostile.pk]
    assert text(tree.css_first(".search-items .item-title")) == hostile.title  # shown as text
    assert [text(mark) for mark in tree.css(".snippet mark")] == ["missile"]
    assert 'onerror="alert(2)"' in text(tree.css_first(".snippet"))  # the markup is text, not an element
    assert not tree.css("main script, main img, .snippet b")
    assert tree.css_first('.search-form input[name="q"]').attributes["value"] == "missile"


def test_the_api_answers_article_fields_plus_an_escaped_snippet(client, hostile):
    response = client.get("/api/v1/search", {"q": "launch"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body["next"] is None
    [item] = body["items"]
    assert item["id"] == hostile.pk and item["title"] == hostile.title and item["source"] == "naenara-en"
    assert set(item) >= {"url", "original_url", "published", "language", "title_is_lead", "snippet"}
    assert "<mark>launched</mark>" in item["snippet"]
    assert "<img" not in item["snippet"] and "<b>" not in item["snippet"]


def test_the_api_pages_with_next_cursors(client):
    source = make_source()
    made = {indexed(source, f"Harvest {i}", "harvest").pk for i in range(5)}
    seen, params = [], {"q": "harvest", "limit": "2"}
    while True:
        body = json.loads(client.get("/api/v1/search", params).content)
        seen += [item["id"] for item in body["items"]]
        if not body["next"]:
            break
        params["cursor"] = body["next"]
    assert sorted(seen) == sorted(made)


@pytest.mark.parametrize("query", MALFORMED, ids=lambda q: repr(q[:20]))
def test_a_malformed_query_gets_a_clear_400_on_the_page_and_in_the_api(client, query):
    page = client.get("/search", {"q": query})
    assert page.status_code == 400
    assert 'class="search-error"' in page.content.decode()
    api = client.get("/api/v1/search", {"q": query})
    assert api.status_code == 400
    message = json.loads(api.content)["error"]
    assert message and "Traceback" not in message


@pytest.mark.parametrize(
    "params",
    [{"sort": "best"}, {"dueum": "yes"}, {"limit": "0"}, {"cursor": "forged.token"}, {"cursor": "x" * 600}],
)
def test_bad_parameters_get_a_400(client, params):
    assert client.get("/search", {"q": "missile", **params}).status_code == 400
    assert client.get("/api/v1/search", {"q": "missile", **params}).status_code == 400


def test_a_100k_character_query_is_refused_in_milliseconds(client):
    query = "로동당 " * 25_000
    started = time.perf_counter()
    with pytest.raises(BadQuery, match="too long"):
        search({"q": query})
    assert time.perf_counter() - started < 0.005
    response = client.get("/api/v1/search", {"q": query})
    assert response.status_code == 400 and "too long" in json.loads(response.content)["error"]


def test_the_api_needs_a_query_and_the_page_shows_an_empty_form(client):
    assert client.get("/api/v1/search").status_code == 400
    response = client.get("/search")
    assert response.status_code == 200 and 'name="q"' in response.content.decode()


def test_every_page_has_a_search_box_in_the_header(client):
    page = client.get("/").content.decode()
    assert 'class="site-search"' in page and 'action="/search"' in page


def test_the_entity_filter_says_when_the_entities_app_does_not_offer_it(client):
    response = client.get("/api/v1/search", {"q": "missile entity:kim-jong-un"})
    if importlib.util.find_spec("wirewatch.entities.queries") is None:
        assert response.status_code == 400
        assert "entity: filter is not available" in json.loads(response.content)["error"]
    else:
        assert response.status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "NEAR(missile launch)",
        "{title}: missile",
        "title:missile",
        "^missile",
        "missile + launch",
        "missile*:x",
        "'missile'",
    ],
)
def test_fts5_syntax_in_user_text_is_searched_as_plain_words(client, hostile, query):
    response = client.get("/api/v1/search", {"q": query})
    assert response.status_code == 200, response.content
