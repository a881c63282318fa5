import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from selectolax.lexbor import LexborHTMLParser

from tests.accounts.helpers import client_for, make_user
from tests.factories import make_article, make_articles, make_source
from wirewatch.accounts.models import ReadMark

pytestmark = pytest.mark.django_db


def item_classes(client) -> dict[int, set[str]]:
    page = LexborHTMLParser(client.get("/").content.decode())
    return {int(li.attributes["data-id"]): set(li.attributes["class"].split()) for li in page.css("li.item")}


def test_articles_are_unread_until_opened_and_only_for_that_user():
    made = make_articles(make_source(), 3)
    ana, bob = client_for(make_user("ana")), client_for(make_user("bob"))
    assert all("unread" in classes for classes in item_classes(ana).values())
    ana.get(f"/articles/{made[1].pk}/")
    classes = item_classes(ana)
    assert "unread" not in classes[made[1].pk]
    assert "unread" in classes[made[0].pk] and "unread" in classes[made[2].pk]
    assert all("unread" in classes for classes in item_classes(bob).values())


def test_mark_all_read_reads_everything_so_far_but_not_what_comes_next():
    source = make_source()
    make_articles(source, 3)
    client = client_for(make_user("ana"))
    assert client.post("/account/read-all/", {"next": "/?lang=en"})["Location"] == "/?lang=en"
    assert not any("unread" in classes for classes in item_classes(client).values())
    newer = make_article(source, "Newer")
    assert "unread" in item_classes(client)[newer.pk]


def test_mark_all_read_ignores_a_next_url_to_another_site():
    make_articles(make_source(), 1)
    client = client_for(make_user("ana"))
    assert client.post("/account/read-all/", {"next": "https://evil.example/"})["Location"] == "/"


def test_anonymous_readers_see_no_read_state(client):
    make_articles(make_source(), 2)
    assert not any("unread" in classes for classes in item_classes(client).values())


def test_star_toggles_per_user_and_answers_json_to_the_script():
    article = make_article(make_source(), "Headline")
    ana, bob = client_for(make_user("ana")), client_for(make_user("bob"))
    url = f"/account/articles/{article.pk}/star/"
    assert ana.post(url, HTTP_ACCEPT="application/json").json() == {"id": article.pk, "starred": True}
    assert "starred" in item_classes(ana)[article.pk]
    assert "starred" not in item_classes(bob)[article.pk]
    assert "★ Starred" in ana.get(f"/articles/{article.pk}/").content.decode()
    assert ana.post(url, HTTP_ACCEPT="application/json").json()["starred"] is False


def test_stars_survive_mark_all_read():
    article = make_article(make_source(), "Headline")
    client = client_for(make_user("ana"))
    client.post(f"/account/articles/{article.pk}/star/")
    client.post("/account/read-all/")
    assert ReadMark.objects.get().starred_at is not None


def test_starring_a_missing_article_is_404():
    assert client_for(make_user("ana")).post("/account/articles/999999/star/").status_code == 404


def test_an_empty_or_huge_note_is_a_400():
    article = make_article(make_source(), "Headline")
    client = client_for(make_user("ana", "analyst"))
    assert client.post(f"/account/articles/{article.pk}/notes/", {"text": ""}).status_code == 400
    assert client.post(f"/account/articles/{article.pk}/notes/", {"text": "x" * 10_001}).status_code == 400


def test_read_state_costs_the_same_queries_whatever_the_page_size():
    source = make_source()
    make_articles(source, 2)
    client = client_for(make_user("ana"))
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    make_articles(source, 40)
    with CaptureQueriesContext(connection) as many:
        client.get("/")
    assert len(many) == len(few)
    # session, user, profile (once, though two things ask), the page's read marks
    assert sum('"accounts_profile"' in query["sql"] for query in many.captured_queries) == 1
