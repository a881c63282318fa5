import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import BASE_TIME, make_article, make_articles, make_source

pytestmark = pytest.mark.django_db


def get_json(client, url, status=200, **params):
    response = client.get(url, params)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def test_articles_endpoint_lists_newest_first_with_the_documented_fields(client):
    source = make_source()
    article = make_article(
        source, "Headline", published=datetime(2026, 2, 25, 3, 0, tzinfo=UTC), title_is_lead=True
    )
    body = get_json(client, "/api/v1/articles")
    assert body == {
        "items": [
            {
                "id": article.pk,
                "url": f"http://testserver/articles/{article.pk}/",
                "original_url": article.url,
                "title": "Headline",
                "title_is_lead": True,
                "published": "2026-02-25T03:00:00Z",
                "published_is_estimate": False,
                "source": "naenara-en",
                "language": "en",
            }
        ],
        "next": None,
    }


def test_articles_endpoint_pages_with_limit_and_cursor_without_duplicates(client):
    made = make_articles(make_source(), 45)
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 10} | ({"cursor": cursor} if cursor else {})
        body = get_json(client, "/api/v1/articles", **params)
        seen += [item["id"] for item in body["items"]]
        pages += 1
        if body["next"] is None:
            break
        cursor = body["next"]
        make_article(made[0].source, "Newer", published=BASE_TIME + timedelta(hours=pages))
    assert pages == 5
    assert seen == [a.pk for a in made]


def test_articles_endpoint_defaults_to_twenty_and_caps_at_one_hundred(client):
    make_articles(make_source(), 120)
    assert len(get_json(client, "/api/v1/articles")["items"]) == 20
    assert len(get_json(client, "/api/v1/articles", limit=100)["items"]) == 100
    assert "limit" in get_json(client, "/api/v1/articles", status=400, limit=101)["error"]


def test_articles_endpoint_filters_by_source_and_language(client):
    english, korean = make_source("kcna-en"), make_source("kcna-ko", "KCNA", "Ko", "ko")
    make_articles(english, 3)
    made_ko = make_articles(korean, 2)
    assert [i["id"] for i in get_json(client, "/api/v1/articles", lang="ko")["items"]] == [
        a.pk for a in made_ko
    ]
    assert [i["id"] for i in get_json(client, "/api/v1/articles", source="kcna-ko")["items"]] == [
        a.pk for a in made_ko
    ]
    assert get_json(client, "/api/v1/articles", source="kcna-en", lang="ko")["items"] == []


@pytest.mark.parametrize(
    ("params", "word"),
    [
        ({"cursor": "forged.cursor"}, "cursor"),
        ({"limit": "ten"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"limit": "-5"}, "limit"),
        ({"limit": "²"}, "limit"),
        ({"limit": "99999999999999999999"}, "limit"),
        ({"lang": "k o"}, "lang"),
        ({"source": "a/b"}, "slug"),
    ],
)
def test_articles_endpoint_answers_bad_parameters_with_json_400(client, params, word):
    assert word in get_json(client, "/api/v1/articles", status=400, **params)["error"]


def test_article_endpoint_adds_text_html_source_name_byline_and_version_count(client):
    source = make_source("kcna-ko", "KCNA", "Ko", "ko")
    article = make_article(source, "조선중앙통신", text="평양 2월 25일발 조선중앙통신", byline="본사기자")
    response = client.get(f"/api/v1/articles/{article.pk}")
    assert "조선중앙통신".encode() in response.content  # not \u-escaped
    body = json.loads(response.content)
    assert body["text"] == "평양 2월 25일발 조선중앙통신"
    assert body["html"] == "<p>평양 2월 25일발 조선중앙통신</p>"
    assert body["source_name"] == "KCNA (Ko)"
    assert body["byline"] == "본사기자"
    assert body["version_count"] == 1
    assert body["source"] == "kcna-ko" and body["language"] == "ko"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/articles/999999",
        "/api/v1/articles/abc",
        "/api/v1/articles/²",
        "/api/v1/articles/99999999999999999999999",
        "/api/v1/nothing/here",
    ],
)
def test_api_answers_unknown_things_with_json_404(client, path):
    assert "error" in get_json(client, path, status=404)


def test_api_refuses_writes_with_json_405(client):
    response = client.post("/api/v1/articles", {})
    assert response.status_code == 405
    assert json.loads(response.content) == {"error": "Only GET is supported."}


def test_sources_endpoint_lists_every_source_with_health(client):
    make_source("kcna-en", "KCNA", "En", status="ok", last_polled_at=datetime(2026, 2, 25, 8, 15, tzinfo=UTC))
    make_articles(make_source("naenara-ar", "Naenara", "Ar", "ar"), 2)
    assert get_json(client, "/api/v1/sources") == {
        "items": [
            {
                "slug": "kcna-en",
                "name": "KCNA",
                "edition": "En",
                "display_name": "KCNA (En)",
                "language": "en",
                "status": "ok",
                "last_polled": "2026-02-25T08:15:00Z",
                "articles": 0,
            },
            {
                "slug": "naenara-ar",
                "name": "Naenara",
                "edition": "Ar",
                "display_name": "Naenara (Ar)",
                "language": "ar",
                "status": "new",
                "last_polled": None,
                "articles": 2,
            },
        ]
    }
