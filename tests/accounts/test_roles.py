import pytest

from tests.accounts.helpers import bearer, client_for, make_user, token_for
from tests.factories import make_article, make_source
from wirewatch.accounts.models import Note

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return make_article(make_source(), "Headline")


def test_viewer_cannot_export_in_the_ui_or_the_api(article):
    viewer = make_user("vera", "viewer")
    client = client_for(viewer)
    assert client.get("/api/v1/export.csv").status_code == 403
    assert client.get("/api/v1/export.jsonl").status_code == 403
    assert client.get("/export/").status_code == 403
    assert client.get("/api/v1/export.csv", **bearer(token_for(viewer))).status_code == 403
    assert "Export…" not in client.get("/").content.decode()


def test_analyst_can_export_and_sees_the_export_link(article):
    client = client_for(make_user("ana", "analyst"))
    assert client.get("/api/v1/export.csv").status_code == 200
    assert client.get("/export/").status_code == 200
    assert "Export…" in client.get("/").content.decode()


def test_anonymous_export_is_401_json_and_export_page_redirects_to_login(client, article):
    response = client.get("/api/v1/export.csv")
    assert response.status_code == 401
    assert response.json()["error"]
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/export/")["Location"].startswith("/account/login/")


def test_viewer_cannot_annotate_and_analyst_can(article):
    viewer, analyst = make_user("vera", "viewer"), make_user("ana", "analyst")
    url = f"/account/articles/{article.pk}/notes/"
    assert client_for(viewer).post(url, {"text": "mine"}).status_code == 403
    assert "Add a private note" not in client_for(viewer).get(f"/articles/{article.pk}/").content.decode()
    assert client_for(analyst).post(url, {"text": "mine"}).status_code == 302
    assert Note.objects.filter(owner=viewer).count() == 0
    assert Note.objects.filter(owner=analyst).count() == 1


def test_nobody_sees_or_deletes_another_users_notes(article):
    alice, bob = make_user("alice", "analyst"), make_user("bob", "analyst")
    client_for(alice).post(f"/account/articles/{article.pk}/notes/", {"text": "Alice's secret <b>note</b>"})
    page = client_for(alice).get(f"/articles/{article.pk}/").content.decode()
    assert "Alice&#x27;s secret &lt;b&gt;note&lt;/b&gt;" in page
    assert "secret" not in client_for(bob).get(f"/articles/{article.pk}/").content.decode()
    note = Note.objects.get(owner=alice)
    assert client_for(bob).post(f"/account/notes/{note.pk}/delete/").status_code == 404
    assert Note.objects.filter(pk=note.pk).exists()


def test_analyst_cannot_enter_the_admin_to_add_sources_or_users_and_admin_can():
    analyst, admin = make_user("ana", "analyst"), make_user("root", "admin")
    for url in ("/admin/", "/admin/auth/user/add/", "/admin/accounts/apitoken/"):
        response = client_for(analyst).get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url
        assert client_for(admin).get(url).status_code == 200, url


def test_viewer_cannot_enter_the_admin_either():
    assert client_for(make_user("vera", "viewer")).get("/admin/").status_code == 302


def test_nobody_sees_or_revokes_another_users_tokens():
    alice, bob = make_user("alice"), make_user("bob")
    client_for(alice).post("/account/tokens/", {"name": "alice-reader"})
    page = client_for(bob).get("/account/tokens/").content.decode()
    assert "alice-reader" not in page
    token = alice.api_tokens.get()
    assert client_for(bob).post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_account_pages_need_a_login(client, article):
    for url in ("/account/", "/account/tokens/"):
        assert client.get(url)["Location"].startswith("/account/login/?next="), url
    for url in (f"/account/articles/{article.pk}/star/", "/account/read-all/"):
        assert client.post(url)["Location"].startswith("/account/login/"), url
