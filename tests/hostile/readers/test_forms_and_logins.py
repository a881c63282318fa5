"""CSRF on every URL that accepts a POST (enumerated, so new forms are covered), login answers that do not
tell who has an account, and brute force throttled per username and address."""

import time

import pytest
from django.test import Client

from tests.accounts.helpers import PASSWORD, client_for

pytestmark = pytest.mark.django_db


def test_no_url_accepts_a_post_without_the_csrf_token(world, paths):
    _article, users = world
    accepted = {}
    for role in ("anonymous", "viewer", "admin"):
        client = Client(enforce_csrf_checks=True)
        if role != "anonymous":
            client.force_login(users[role])
        for path in paths:
            response = client.post(path, {"name": "x", "text": "x", "query": "x", "username": "viewer",
                                          "password": PASSWORD, "email": "viewer@example.org"})  # fmt: skip
            # 401/403 refused, 404/405 no POST here; a 2xx or 3xx would mean the POST did something.
            if response.status_code not in (400, 401, 403, 404, 405):
                accepted[(role, path)] = response.status_code
    assert accepted == {}


def login_answer(username: str, password: str, ip: str) -> tuple[int, str]:
    client = Client()
    response = client.post("/account/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)
    body = response.content.decode()
    body = body.replace(username, "NAME")  # the form echoes what was typed, whoever it is
    return response.status_code, body.split('name="csrfmiddlewaretoken"')[0][-2000:] + body.split("</form>")[
        0
    ][-500:]


def test_login_gives_the_same_answer_for_an_unknown_user_and_a_wrong_password(world):
    unknown = login_answer("nobody-here", "wrong password", "10.9.0.1")
    wrong = login_answer("analyst", "wrong password", "10.9.0.2")
    assert unknown[0] == wrong[0] == 200
    assert unknown[1] == wrong[1]


def test_the_lockout_answers_alike_for_known_and_unknown_names(world, settings):
    settings.WIREWATCH_LOGIN_FAILURES = 3
    answers = {}
    for name in ("analyst", "nobody-here"):
        for _ in range(4):
            status, body = login_answer(name, "wrong", "10.9.1.1")
        answers[name] = (status, body)
    assert answers["analyst"] == answers["nobody-here"]


def test_login_takes_about_as_long_for_unknown_and_known_users(world, settings):
    """Django runs the hasher for unknown users too; with the production hasher the times must not tell."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]

    def timed(name: str, ip: str) -> float:
        started = time.monotonic()
        login_answer(name, "wrong password", ip)
        return time.monotonic() - started

    known = min(timed("admin", f"10.9.2.{n}") for n in range(3))
    unknown = min(timed("nobody-here", f"10.9.3.{n}") for n in range(3))
    assert unknown > known * 0.5 and known > unknown * 0.5, (known, unknown)


def test_brute_force_from_many_addresses_is_still_throttled_per_username(world, settings):
    settings.WIREWATCH_LOGIN_FAILURES = 3  # per name and address; 12 per name from anywhere
    for n in range(12):
        login_answer("admin", f"guess {n}", f"10.8.{n}.1")
    response = Client().post(
        "/account/login/", {"username": "admin", "password": PASSWORD}, REMOTE_ADDR="10.8.99.1"
    )
    assert response.status_code == 200 and "Too many failed logins" in response.content.decode()


def test_password_spraying_from_one_address_is_throttled(world, settings):
    settings.WIREWATCH_LOGIN_FAILURES = 3
    for n in range(12):
        login_answer(f"user{n}", "Winter2026!", "10.7.0.1")
    response = Client().post(
        "/account/login/", {"username": "viewer", "password": PASSWORD}, REMOTE_ADDR="10.7.0.1"
    )
    assert response.status_code == 200 and "Too many failed logins" in response.content.decode()


def test_a_logged_in_user_cannot_be_logged_out_by_a_cross_site_get(world):
    _article, users = world
    client = client_for(users["viewer"])
    assert client.get("/account/logout/").status_code == 405
    assert client.get("/account/").status_code == 200
