"""Who may save, see and read what: viewers cannot save, nobody sees another's alerts, feeds need the token."""

from __future__ import annotations

import feedparser
import pytest
from django.test import Client

from tests.accounts.helpers import bearer, client_for, make_user, token_for
from tests.alerts.helpers import saved_search, store
from tests.factories import make_source
from wirewatch.alerts.models import Subscription

pytestmark = pytest.mark.django_db

SAVE = {"name": "Missiles", "query": "missile", "channel": "email", "frequency": "immediate", "dueum": "on"}


def test_a_viewer_cannot_save_a_search_or_follow_and_sees_no_save_form():
    viewer = client_for(make_user("vic", "viewer"))
    store(make_source(), "Launch", "A missile was launched.")
    assert viewer.post("/alerts/save", SAVE).status_code == 403
    assert viewer.post("/alerts/follow", {"kind": "source", "target": "naenara-en"}).status_code == 403
    assert viewer.get("/alerts/").status_code == 403
    assert "Save search" not in viewer.get("/search", {"q": "missile"}).content.decode()
    assert Client().post("/alerts/save", SAVE).status_code == 302  # anonymous: to the login page
    assert not Subscription.objects.exists()


def test_an_analyst_saves_the_current_search_from_the_search_page():
    analyst = client_for(make_user("ana", "analyst"))
    store(make_source(), "Launch", "A missile was launched.")
    assert 'action="/alerts/save"' in analyst.get("/search", {"q": "missile"}).content.decode()
    assert analyst.post("/alerts/save", SAVE).status_code == 302
    assert Subscription.objects.get().query == "missile"
    bad = analyst.post("/alerts/save", {**SAVE, "query": '"open quote'})
    assert bad.status_code == 400 and Subscription.objects.count() == 1
    webhook_without_url = analyst.post("/alerts/save", {**SAVE, "channel": "webhook"})
    assert webhook_without_url.status_code == 400


def test_nobody_sees_or_deletes_another_users_saved_search_unless_shared():
    ana, bob = make_user("ana", "analyst"), make_user("bob", "analyst")
    private = saved_search(ana, "secret plan", name="Ana private")
    shared = saved_search(ana, "harvest", name="Ana shared", shared=True)
    bob_client = client_for(bob)
    page = bob_client.get("/alerts/").content.decode()
    assert "Ana private" not in page and "Ana shared" in page
    assert bob_client.post(f"/alerts/{private.pk}/delete").status_code == 404
    assert bob_client.post(f"/alerts/{shared.pk}/delete").status_code == 404  # shared is read-only
    assert bob_client.get(f"/alerts/{private.pk}/feed.atom").status_code == 404
    assert bob_client.get(f"/alerts/{shared.pk}/feed.atom").status_code == 200
    assert Subscription.objects.count() == 2


def test_the_private_feed_needs_the_owners_token_and_is_valid_in_three_formats():
    ana = make_user("ana", "analyst")
    search = saved_search(ana, "missile")
    store(make_source(), "Launch", "A missile was launched.")
    store(make_source("kcna-en", "KCNA"), "Harvest", "Rice.")
    anonymous = Client()
    assert anonymous.get(f"/alerts/{search.pk}/feed.atom").status_code == 401
    assert anonymous.get(f"/alerts/{search.pk}/feed.rss", {"token": "wrong"}).status_code == 401
    token = token_for(ana)
    for suffix in ("atom", "rss"):
        response = anonymous.get(f"/alerts/{search.pk}/feed.{suffix}", {"token": token})
        parsed = feedparser.parse(response.content)
        assert response.status_code == 200 and parsed.bozo == 0
        assert [entry.title for entry in parsed.entries] == ["Launch"]
        assert "token" not in response.content.decode()  # the feed's own URL never carries it
    as_json = anonymous.get(f"/alerts/{search.pk}/feed.json", **bearer(token)).json()
    assert as_json["version"] == "https://jsonfeed.org/version/1.1"
    assert [item["title"] for item in as_json["items"]] == ["Launch"]
    other = token_for(make_user("bob", "analyst"))
    assert anonymous.get(f"/alerts/{search.pk}/feed.atom", {"token": other}).status_code == 404


def test_follow_buttons_on_article_and_source_pages_and_health_alerts_for_admins_only():
    source = make_source()
    article = store(source, "Statement", "A statement.")
    analyst = client_for(make_user("ana", "analyst"))
    assert "follow-button" in analyst.get(f"/articles/{article.pk}/").content.decode()
    source_page = analyst.get(f"/sources/{source.slug}/").content.decode()
    assert "Follow this source" in source_page and "goes silent" not in source_page
    response = analyst.post(
        "/alerts/follow", {"kind": "article", "target": str(article.pk), "next": "//evil.example/"}
    )
    assert response.status_code == 302 and response["Location"] == "/alerts/"
    assert analyst.post("/alerts/follow", {"kind": "health", "target": ""}).status_code == 403
    assert analyst.post("/alerts/follow", {"kind": "article", "target": "9" * 40}).status_code == 400
    admin = client_for(make_user("root", "admin"))
    assert "goes silent" in admin.get(f"/sources/{source.slug}/").content.decode()
    assert admin.post("/alerts/follow", {"kind": "health", "target": ""}).status_code == 302
    assert sorted(Subscription.objects.values_list("kind", flat=True)) == ["article", "health"]


@pytest.mark.parametrize(
    "field, value",
    [("query", "missile\x00"), ("query", "x" * 5000), ("name", "n" * 5000), ("channel", "pigeon"),
     ("frequency", "hourly"), ("webhook_url", "javascript:alert(1)"), ("query", "((((((((((((a))))))))))))")],
)  # fmt: skip
def test_hostile_save_forms_get_a_400_with_a_message_never_a_500(field, value):
    analyst = client_for(make_user("ana", "analyst"))
    response = analyst.post("/alerts/save", {**SAVE, field: value})
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    assert not Subscription.objects.exists()
