from datetime import UTC, datetime

import pytest

from tests.factories import make_articles, make_source
from tests.web.html import item_ids, parse, text

pytestmark = pytest.mark.django_db


def test_sources_page_lists_every_source_with_its_status(client):
    make_source("kcna-en", "KCNA", "En", status="ok", last_polled_at=datetime(2026, 2, 25, 8, 15, tzinfo=UTC))
    make_source("rodong-en", "Rodong Sinmun", "En", status="error", status_message="HTTP 503 from the source")
    make_articles(make_source("naenara-en"), 3)
    rows = parse(parse_ok(client, "/sources/")).css("table.sources tbody tr")
    cells = [[text(td) for td in row.css("td")] for row in rows]
    assert cells == [
        ["KCNA (En)", "en", "ok", "2026-02-25 08:15", "0"],
        ["Naenara (En)", "en", "not polled yet", "never", "3"],
        ["Rodong Sinmun (En)", "en", "error HTTP 503 from the source", "never", "0"],
    ]


def parse_ok(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response


def test_source_page_shows_status_and_its_articles_newest_first(client):
    source = make_source(status="rules-broken", status_message="No titles matched on 3 pages")
    made = make_articles(source, 25)
    make_articles(make_source("other-en", "Other"), 2)
    tree = parse(parse_ok(client, "/sources/naenara-en/"))
    assert text(tree.css_first("h1")) == "Naenara (En)"
    assert text(tree.css_first(".source-status .status")) == "rules stopped matching"
    assert text(tree.css_first(".status-message")) == "No titles matched on 3 pages"
    assert text(tree.css_first(".article-count")) == "25"
    assert item_ids(tree) == [a.pk for a in made[:20]]
    older = parse(parse_ok(client, tree.css_first("a.pager-next").attributes["href"]))
    assert item_ids(older) == [a.pk for a in made[20:]]
    assert older.css_first("a.pager-next") is None
    assert older.css_first("a.pager-newest").attributes["href"] == "/sources/naenara-en/"


def test_source_page_of_an_rtl_edition_renders_right_to_left(client):
    make_articles(make_source("kcna-ar", "KCNA", "Ar", "ar"), 2)
    tree = parse(parse_ok(client, "/sources/kcna-ar/"))
    assert tree.css_first("main").attributes["dir"] == "rtl"
    assert {li.attributes["dir"] for li in tree.css("li.item")} == {"rtl"}


def test_unknown_source_gives_404(client):
    assert client.get("/sources/no-such-source/").status_code == 404
    assert client.get("/sources/no-such-source/more/").status_code == 404


def test_source_page_answers_a_bad_cursor_with_400(client):
    make_source()
    response = client.get("/sources/naenara-en/?cursor=not-a-cursor")
    assert response.status_code == 400
    assert "cursor" in text(parse(response).css_first(".error-message"))


def test_status_message_is_escaped(client):
    make_source(status="error", status_message="<b>boom</b>")
    tree = parse(parse_ok(client, "/sources/"))
    assert tree.css("td b") == []
    assert text(tree.css_first(".status-message")) == "<b>boom</b>"
