from datetime import timedelta

import pytest

from tests.factories import BASE_TIME, make_article, make_articles, make_source
from tests.web.html import item_ids, parse, text

pytestmark = pytest.mark.django_db


def next_link(response) -> str | None:
    link = parse(response).css_first("a.pager-next")
    return link.attributes["href"] if link else None


def walk(client, url: str) -> list[int]:
    """Every item id from ``url`` on, following "Older articles" links to the end."""
    seen: list[int] = []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        seen += item_ids(parse(response))
        url = next_link(response)
    return seen


def test_stream_lists_every_source_newest_first(client):
    kcna = make_source("kcna-en", "KCNA", "En")
    naenara = make_source("naenara-ko", "Naenara", "Ko", "ko")
    old = make_article(kcna, "Older", published=BASE_TIME - timedelta(days=1))
    new = make_article(naenara, "Newer", published=BASE_TIME)
    tree = parse(client.get("/"))
    assert item_ids(tree) == [new.pk, old.pk]
    assert [text(n) for n in tree.css(".item-source a")] == ["Naenara (Ko)", "KCNA (En)"]


def test_stream_shows_twenty_per_page_and_walks_all_without_duplicates(client):
    source = make_source()
    made = make_articles(source, 45)
    first = client.get("/")
    assert len(item_ids(parse(first))) == 20
    assert walk(client, "/") == [a.pk for a in made]


def test_stream_cursor_continues_after_page_one_while_newer_articles_arrive(client):
    source = make_source()
    made = make_articles(source, 30)
    first = client.get("/")
    page_one = item_ids(parse(first))
    for i in range(5):
        make_article(source, f"Breaking {i}", published=BASE_TIME + timedelta(minutes=i + 1))
    page_two = item_ids(parse(client.get(next_link(first))))
    assert page_one == [a.pk for a in made[:20]]
    assert page_two == [a.pk for a in made[20:30]]


def test_stream_breaks_ties_on_the_same_published_time_by_id(client):
    source = make_source()
    same = [make_article(source, f"Same time {i}", published=BASE_TIME) for i in range(25)]
    assert walk(client, "/") == sorted((a.pk for a in same), reverse=True)


def test_stream_filters_by_several_sources_and_keeps_filters_when_paging(client):
    kcna, rodong, naenara = make_source("kcna-en"), make_source("rodong-en"), make_source("naenara-en2")
    wanted = make_articles(kcna, 15) + make_articles(rodong, 15, newest=BASE_TIME - timedelta(minutes=30))
    make_articles(naenara, 5)
    expected = [a.pk for a in sorted(wanted, key=lambda a: (a.published, a.pk), reverse=True)]
    assert walk(client, "/?source=kcna-en&source=rodong-en") == expected


def test_stream_filters_by_language(client):
    english = make_source("kcna-en")
    korean = make_source("kcna-ko", "KCNA", "Ko", "ko")
    make_articles(english, 3)
    korean_articles = make_articles(korean, 2)
    assert item_ids(parse(client.get("/?lang=ko"))) == [a.pk for a in korean_articles]


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "abc.def",
        "",
        "W1tdXQ.forged",
        "x" * 2000,
        "ü",
        "WyIyMDI2LTAyLTI1VDA5OjAwOjAwKzAwOjAwIiwgMV0",
    ],
)
def test_stream_answers_a_bad_cursor_with_a_400_page(client, cursor):
    make_articles(make_source(), 3)
    response = client.get("/", {"cursor": cursor})
    if cursor == "":
        assert response.status_code == 200  # no cursor: the first page
        return
    assert response.status_code == 400
    assert "cursor" in text(parse(response).css_first(".error-message"))


def test_stream_rejects_a_cursor_whose_signed_payload_was_edited(client):
    make_articles(make_source(), 25)
    cursor = next_link(client.get("/")).split("cursor=")[1]
    payload, signature = cursor.split(".")
    tampered = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB")
    assert client.get("/", {"cursor": f"{tampered}.{signature}"}).status_code == 400


@pytest.mark.parametrize("query", ["lang=<script>", "lang=" + "k" * 50, "source=../etc"])
def test_stream_answers_malformed_filters_with_a_400_page(client, query):
    response = client.get(f"/?{query}")
    assert response.status_code == 400
    assert parse(response).css_first("script:not([src])") is None


def test_stream_escapes_a_title_containing_markup(client):
    make_article(make_source(), '<script>alert("x")</script> Headline')
    tree = parse(client.get("/"))
    assert text(tree.css_first(".item-title")) == '<script>alert("x")</script> Headline'
    # Only our own static scripts (reader.js): no script element came from the title.
    assert all(
        s.attributes.get("src", "").startswith("/static/") and not s.text() for s in tree.css("script")
    )


def test_stream_with_no_articles_says_so(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "No articles" in text(parse(response).css_first(".empty"))


def test_every_page_has_the_header_with_stream_and_sources_links(client):
    tree = parse(client.get("/"))
    assert text(tree.css_first(".site-name")) == "Wirewatch"
    assert [(text(a), a.attributes["href"]) for a in tree.css(".site-nav a")] == [
        ("Stream", "/"),
        ("Sources", "/sources/"),
        ("Entities", "/entities/"),
        ("Search", "/search"),
    ]


def test_a_disallowed_host_gets_the_400_page_without_django_details(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    message = text(parse(response).css_first(".error-message"))
    assert message == "The request could not be understood."
