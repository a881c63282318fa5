"""The record as pages, feed and API: history with word diffs, the change stream and its Atom feed."""

from __future__ import annotations

import html as html_lib
from datetime import timedelta

import feedparser
import pytest
from django.conf import settings
from django.test import override_settings
from selectolax.lexbor import LexborHTMLParser

from tests.factories import BASE_TIME, body_html, make_source
from wirewatch.archive.changes import ChangeFilters, change_page
from wirewatch.archive.models import Article
from wirewatch.archive.recheck import GONE, OK, record_check
from wirewatch.archive.store import store_extracted
from wirewatch.extraction import Extracted

pytestmark = pytest.mark.django_db


def extracted(title: str, text: str, language: str = "en") -> Extracted:
    return Extracted(title, False, text, body_html(text), "", BASE_TIME, "meta", language, "rules", True)


def edited_article(source=None, language: str = "en") -> Article:
    source = source or make_source()
    url = f"http://127.0.0.1:9/{source.slug}/a/1"
    store_extracted(
        source,
        url,
        extracted("Leader Visits Factory", "Pyongyang -- He visited a factory.\nIt was big.", language),
    )
    store_extracted(
        source,
        url,
        extracted("Leader Visits Big Factory", "Pyongyang -- He toured a factory.\nIt was big.", language),
    )
    return Article.objects.get(url=url)


def removed(article: Article) -> None:
    with override_settings(
        WIREWATCH={**settings.WIREWATCH, "REMOVAL_AFTER_FAILURES": 1, "REMOVAL_AFTER_HOURS": 0}
    ):
        record_check(article, GONE, "HTTP 404", BASE_TIME + timedelta(days=1))


def test_history_page_shows_versions_and_the_word_diff_inline_and_side_by_side(client):
    article = edited_article()
    response = client.get(f"/articles/{article.pk}/history/")
    assert response.status_code == 200
    tree = LexborHTMLParser(response.content.decode())
    assert len(tree.css("table.versions tbody tr")) == 2
    inline = tree.css_first(".diff-inline")
    assert [n.text().strip() for n in inline.css("del")] == ["visited"]
    assert [n.text().strip() for n in inline.css("ins")] == ["Big", "toured"]
    sides = tree.css("table.diff-sides tbody tr")[1].css("td")
    assert [n.text().strip() for n in sides[0].css("del")] == ["visited"] and not sides[0].css("ins")
    assert [n.text().strip() for n in sides[1].css("ins")] == ["toured"] and not sides[1].css("del")


def test_history_compares_any_two_versions_and_rejects_bad_numbers_with_400(client):
    article = edited_article()
    same = client.get(f"/articles/{article.pk}/history/?from=2&to=2")
    assert same.status_code == 200 and b"(no difference)" in same.content
    for query in ("from=0&to=2", "from=1&to=9", "from=x", "to=%F0%9F%92%A5", "from=99999999999999999999"):
        assert client.get(f"/articles/{article.pk}/history/?{query}").status_code == 400, query
    assert client.get("/articles/999999/history/").status_code == 404


def test_history_escapes_markup_in_the_texts(client):
    source = make_source()
    url = "http://127.0.0.1:9/x"
    store_extracted(source, url, extracted("<script>alert(1)</script>", "one <b>two</b>"))
    store_extracted(source, url, extracted("<script>alert(2)</script>", "one <i>three</i>"))
    body = client.get(f"/articles/{Article.objects.get().pk}/history/").content.decode()
    assert "<script>alert" not in body and html_lib.escape("<script>") in body


def test_chinese_diffs_are_character_level_and_korean_word_level(client):
    zh = edited_article(make_source("xinhua-zh", language="zh"), "zh")
    store_extracted(zh.source, zh.url, extracted("中国人民", "中国人民很好。", "zh"))
    store_extracted(zh.source, zh.url, extracted("中国军民", "中国军民很好。", "zh"))
    data = client.get(f"/api/v1/articles/{zh.pk}/diff?from=3&to=4").json()
    assert [op for op in data["title"] if op["op"] != "equal"] == [
        {"op": "delete", "text": "人"},
        {"op": "insert", "text": "军"},
    ]
    ko = make_source("kcna-ko", language="ko")
    store_extracted(
        ko, "http://127.0.0.1:9/ko/1", extracted("전원회의 개막", "조선로동당 중앙위원회 전원회의", "ko")
    )
    store_extracted(
        ko, "http://127.0.0.1:9/ko/1", extracted("전원회의 개막", "조선로동당 중앙위원회 확대회의", "ko")
    )
    pk = Article.objects.get(url="http://127.0.0.1:9/ko/1").pk
    body = client.get(f"/api/v1/articles/{pk}/diff").json()["body"][0]
    assert [op for op in body if op["op"] != "equal"] == [
        {"op": "delete", "text": "전원회의"},
        {"op": "insert", "text": "확대회의"},
    ]


def test_article_page_says_how_often_it_was_edited_and_when_it_was_removed(client):
    article = edited_article()
    removed(article)
    tree = LexborHTMLParser(client.get(f"/articles/{article.pk}/").content.decode())
    notice = tree.css_first(".notice.versions a")
    assert notice.text().startswith("Edited at source 1 time — last ") and notice.attributes["href"].endswith(
        "/history/"
    )
    assert "Removed at source on 2026-02-26 (last seen" in tree.css_first(".notice.removed").text()


def kinds(response) -> list[str]:
    return [n.text() for n in LexborHTMLParser(response.content.decode()).css(".change-kind")]


def test_change_stream_lists_edits_and_removals_filters_and_pages(client):
    article = edited_article()
    removed(article)
    other = edited_article(make_source("rodong-en", "Rodong Sinmun"))
    assert kinds(client.get("/changes/")) == ["edited", "removed", "edited"]
    assert kinds(client.get("/changes/?kind=removed")) == ["removed"]
    assert kinds(client.get(f"/changes/?source={other.source.slug}")) == ["edited"]
    for query in ("kind=bogus", "cursor=abc", "source=" + "x" * 200):
        assert client.get(f"/changes/?{query}").status_code == 400, query
    items, cursor = change_page(ChangeFilters(), None, limit=2)
    rest, end = change_page(ChangeFilters(), cursor, limit=2)
    assert len(items) == 2 and len(rest) == 1 and end is None
    assert client.get(f"/changes/?cursor={cursor}").status_code == 200


def test_change_feed_is_valid_atom_with_the_same_filters(client):
    article = edited_article()
    removed(article)
    record_check(article, OK, "page served", BASE_TIME + timedelta(days=2))
    response = client.get("/changes/feed.atom")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0 and feed.version == "atom10"
    assert [e.title.split(":")[0] for e in feed.entries] == [
        "Back at source",
        "Removed at source",
        "Edited at source (version 2)",
    ]
    assert feed.entries[-1].link.endswith(f"/articles/{article.pk}/history/?from=1&to=2")
    only = feedparser.parse(client.get("/changes/feed.atom?kind=removed").content)
    assert len(only.entries) == 1


def test_api_lists_versions_with_warc_records_and_removal_dates(client):
    article = edited_article()
    removed(article)
    data = client.get(f"/api/v1/articles/{article.pk}/versions").json()
    assert [item["version"] for item in data["items"]] == [1, 2]
    assert set(data["items"][0]) == {"version", "fetched_at", "title", "text_hash", "warc_record_id"}
    assert data["items"][1]["title"] == "Leader Visits Big Factory"
    assert data["removed_at"].startswith("2026-02-26") and data["last_seen"]


def test_api_diff_is_structured_and_errors_are_json(client):
    article = edited_article()
    data = client.get(f"/api/v1/articles/{article.pk}/diff?from=1&to=2").json()
    assert (data["from"], data["to"], data["changed"]) == (1, 2, True)
    assert {"op": "insert", "text": "Big "} in data["title"]
    assert data["body"][1] == [{"op": "equal", "text": "It was big."}]
    for path, status in [(f"{article.pk}/diff?from=5", 400), (f"{article.pk}/diff?to=-1", 400),
                         ("424242/diff", 404), ("424242/versions", 404), ("abc/versions", 404)]:  # fmt: skip
        response = client.get(f"/api/v1/articles/{path}")
        assert response.status_code == status and "error" in response.json(), path
