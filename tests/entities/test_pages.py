"""Entity pages: the list, one entity (aliases, timeline chart, latest mentions, appears with), appearances + feed."""

from datetime import UTC, datetime

import feedparser
import pytest

from tests.entities.helpers import store
from tests.factories import make_source
from tests.web.html import item_ids, parse, text
from wirewatch.entities.models import Alias, Entity

pytestmark = pytest.mark.django_db

INSPECTION = (
    "Kim Jong Un inspected a factory in South Phyongan Province on March {day}, 2024 with Jo Yong Won."
)


def day(month: int, d: int = 5) -> datetime:
    return datetime(2024, month, d, 3, 0, tzinfo=UTC)


@pytest.fixture
def data():
    kcna, rodong = make_source("kcna-en", "KCNA"), make_source("rodong-en", "Rodong Sinmun")
    made = {
        "jan": store(kcna, "Visit", "Kim Jong Un visited Pyongyang with Choe Son Hui.", day(1)),
        "mar1": store(kcna, "Inspection", INSPECTION.format(day=1), day(3, 2)),
        "mar2": store(rodong, "Inspection", INSPECTION.format(day=3), day(3, 4)),
        "mar3": store(rodong, "Guidance", "김정은동지께서 평양을 현지지도하시였다.", day(3, 9)),
        "none": store(kcna, "Weather", "Rain in Pyongyang.", day(2)),
    }
    return made


def test_entity_list_groups_entities_by_kind_with_article_counts(client, data):
    tree = parse(client.get("/entities/"))
    headings = [text(h) for h in tree.css(".entity-kind h2")]
    assert headings == ["Persons", "Organisations", "Places"]
    kim = tree.css_first('li[data-slug="kim-jong-un"]')
    assert text(kim.css_first(".count")) == "4"
    assert kim.css_first("a.appearances-link").attributes["href"] == "/entities/kim-jong-un/appearances/"


def test_entity_page_shows_aliases_mentions_chart_and_appears_with(client, data):
    tree = parse(client.get("/entities/kim-jong-un/"))
    assert text(tree.css_first("h1")) == "Kim Jong Un"
    aliases = [text(a) for a in tree.css(".alias")]
    assert {"김정은", "金正恩", "Ким Чен Ын", "Kim Jong-un"} <= set(aliases)
    assert item_ids(tree, ".mentions ol.items > li") == [data[k].pk for k in ("mar3", "mar2", "mar1", "jan")]
    periods = {g.attributes["data-period"]: int(g.attributes["data-total"]) for g in tree.css("g.period")}
    assert periods == {"2024-01": 1, "2024-02": 0, "2024-03": 3}
    march = tree.css_first('g.period[data-period="2024-03"]')
    assert {r.attributes["data-source"]: r.attributes["data-count"] for r in march.css("rect.bar")} == {
        "Rodong Sinmun (En)": "2",
        "KCNA (En)": "1",
    }
    assert text(march.css_first("text.total")) == "3"
    with_counts = {
        li.attributes["data-slug"]: text(li.css_first(".count")) for li in tree.css(".with-list li")
    }
    assert with_counts["jo-yong-won"] == "2"
    assert with_counts["south-phyongan"] == "2"
    assert with_counts["pyongyang"] == "2"


def test_weekly_timeline_counts_iso_weeks(client, data):
    tree = parse(client.get("/entities/kim-jong-un/?by=week"))
    totals = {g.attributes["data-period"]: g.attributes["data-total"] for g in tree.css("g.period")}
    assert totals["2024-W10"] == "2"  # Mon 4 and Sat 9 March
    assert totals["2024-W09"] == "1"
    assert totals["2024-W01"] == "1"


def test_bad_period_and_unknown_entity_are_clear_errors(client, data):
    assert client.get("/entities/kim-jong-un/?by=decade").status_code == 400
    assert client.get("/entities/kim-jong-un/?cursor=forged").status_code == 400
    assert client.get("/entities/nobody/").status_code == 404


def test_latest_mentions_are_cursor_paged(client):
    source = make_source()
    made = [store(source, f"Item {i}", "Kim Jong Un spoke.", day(1, i + 1)) for i in range(25)]
    first = parse(client.get("/entities/kim-jong-un/"))
    assert item_ids(first, ".mentions ol.items > li") == [a.pk for a in reversed(made[5:])]
    second = parse(client.get(first.css_first("a.pager-next").attributes["href"]))
    assert item_ids(second, ".mentions ol.items > li") == [a.pk for a in reversed(made[:5])]


def test_names_from_the_gazetteer_are_escaped(client):
    entity = Entity.objects.create(slug="evil", name="<script>alert(1)</script>", kind="person")
    Alias.objects.create(entity=entity, text="<img src=x onerror=alert(1)>")
    body = client.get("/entities/evil/").content.decode()
    assert "<script>alert(1)" not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_appearances_page_lists_kind_date_place_and_evidence(client, data):
    tree = parse(client.get("/entities/kim-jong-un/appearances/"))
    assert item_ids(tree, "ol.appearances > li") == [data[k].pk for k in ("mar3", "mar2", "mar1", "jan")]
    second = tree.css("ol.appearances > li")[1]
    assert text(second.css_first(".appearance-kind")) == "inspection"
    assert text(second.css_first(".appearance-date")) == "2024-03-03"
    assert text(second.css_first(".appearance-place")) == "South Phyongan Province"
    assert "inspected a factory" in text(second.css_first(".evidence"))


def test_appearances_are_only_for_tracked_people(client, data):
    assert client.get("/entities/xi-jinping/appearances/").status_code == 404
    assert client.get("/entities/xi-jinping/appearances/feed.atom").status_code == 404


def test_appearances_feed_is_valid_atom(client, data):
    response = client.get("/entities/kim-jong-un/appearances/feed.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.feed.title == "Appearances of Kim Jong Un — Wirewatch"
    assert len(feed.entries) == 4
    assert feed.entries[1].title == "Inspection: Inspection"
    assert feed.entries[1].link.endswith(f"/articles/{data['mar2'].pk}/")
    assert "Place: South Phyongan Province" in feed.entries[1].summary
    assert len({e.id for e in feed.entries}) == 4


def test_nav_links_to_entities(client):
    tree = parse(client.get("/"))
    assert "/entities/" in [a.attributes["href"] for a in tree.css(".site-nav a")]
