import re
import time

import pytest
from django.core import mail
from django.test import Client

from tests.accounts.helpers import PASSWORD, client_for, make_user
from tests.factories import make_article, make_source

pytestmark = pytest.mark.django_db


def login(client: Client, name: str, password: str, ip: str = "10.0.0.1"):
    return client.post("/account/login/", {"username": name, "password": password}, REMOTE_ADDR=ip)


def test_login_with_the_right_password_logs_in_and_rotates_the_session(client):
    make_user("ana", "analyst")
    session = client.session
    session["seen"] = True
    session.save()
    before = client.cookies["sessionid"].value
    response = login(client, "ana", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.cookies["sessionid"].value != before
    assert "ana" in client.get("/").content.decode()


def test_session_and_csrf_cookies_are_httponly_samesite_lax_and_not_secure_over_http(client):
    make_user("ana")
    client.get("/account/login/")
    login(client, "ana", PASSWORD)
    session = client.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax" and not session["secure"]
    assert client.cookies["csrftoken"]["samesite"] == "Lax"


def test_cookies_are_secure_when_https_is_on(client, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    make_user("ana")
    client.get("/account/login/")
    login(client, "ana", PASSWORD)
    assert client.cookies["sessionid"]["secure"] and client.cookies["csrftoken"]["secure"]


def test_five_failures_lock_the_username_from_that_address_even_with_the_right_password(client):
    make_user("ana")
    for _ in range(5):
        assert "Please enter a correct" in login(client, "ana", "wrong").content.decode()
    locked = login(client, "ana", PASSWORD)
    assert locked.status_code == 200
    assert "Too many failed logins" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not locked out by someone else's guesses.
    assert login(Client(), "ana", PASSWORD, ip="10.0.0.2").status_code == 302


def test_an_incomplete_form_does_not_clear_the_failure_count(client):
    make_user("ana")
    for _ in range(4):
        login(client, "ana", "wrong")
    login(client, "ana", "")
    login(client, "ana", "wrong")
    assert "Too many failed logins" in login(client, "ana", PASSWORD).content.decode()


def test_hostile_login_input_is_a_form_error_not_a_crash(client):
    for name in ("x" * 10_000, "ana\x00", "조선"):
        assert login(client, name, "p").status_code == 200
    raw = client.post(
        "/account/login/",
        b"username=%ff%fe%00&password=%80",
        content_type="application/x-www-form-urlencoded",
    )
    assert raw.status_code == 200


def test_a_success_clears_earlier_failures(client):
    make_user("ana")
    for _ in range(4):
        login(client, "ana", "wrong")
    assert login(client, "ana", PASSWORD).status_code == 302
    other = Client()
    for _ in range(4):
        login(other, "ana", "wrong")
    assert login(other, "ana", PASSWORD).status_code == 302


def test_logout_is_a_post_and_ends_the_session():
    client = client_for(make_user("ana"))
    assert client.post("/account/logout/").status_code in (200, 302)
    assert client.get("/account/")["Location"].startswith("/account/login/")


def test_csrf_is_enforced_on_every_form():
    user = make_user("ana", "analyst")
    article = make_article(make_source(), "Headline")
    client = Client(enforce_csrf_checks=True)
    assert client.post("/account/login/", {"username": "ana", "password": PASSWORD}).status_code == 403
    assert client.post("/account/password-reset/", {"email": "ana@example.org"}).status_code == 403
    client.force_login(user)
    for url in (
        "/account/tokens/",
        "/account/read-all/",
        f"/account/articles/{article.pk}/star/",
        f"/account/articles/{article.pk}/notes/",
        "/account/logout/",
    ):
        assert client.post(url, {"name": "x", "text": "x"}).status_code == 403, url


def test_forms_with_their_csrf_token_are_accepted():
    make_user("ana")
    client = Client(enforce_csrf_checks=True)
    page = client.get("/account/login/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(
        "/account/login/", {"username": "ana", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


@pytest.fixture
def quick_reset(settings):
    settings.WIREWATCH_RESET_MIN_SECONDS = 0.4
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def timed_reset(client: Client, email: str):
    started = time.monotonic()
    response = client.post("/account/password-reset/", {"email": email})
    return response, time.monotonic() - started


def test_password_reset_answers_alike_for_known_and_unknown_addresses(client, quick_reset):
    make_user("ana", email="ana@example.org")
    known, known_time = timed_reset(client, "ana@example.org")
    unknown, unknown_time = timed_reset(client, "nobody@example.org")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert known["Location"] == "/account/password-reset/sent/"
    assert 0.4 <= known_time < 0.6 and 0.4 <= unknown_time < 0.6
    assert abs(known_time - unknown_time) < 0.1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["ana@example.org"]


def test_the_reset_link_sets_a_new_password(client, quick_reset):
    make_user("ana", email="ana@example.org")
    client.post("/account/password-reset/", {"email": "ana@example.org"})
    link = re.search(r"http://testserver(/account/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]  # Django moves the token into the session first
    done = client.post(
        form_url, {"new_password1": "a new Pass phrase 42", "new_password2": "a new Pass phrase 42"}
    )
    assert done["Location"] == "/account/reset/done/"
    assert login(Client(), "ana", "a new Pass phrase 42").status_code == 302
