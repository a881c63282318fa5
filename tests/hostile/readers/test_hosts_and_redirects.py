"""Host header poisoning and open redirects: an unknown Host is a 400 and never reaches a link; no ``next``
sends anyone off the site."""

import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from tests.accounts.helpers import PASSWORD, client_for

pytestmark = pytest.mark.django_db

EVIL_NEXTS = [
    "//evil.example/",
    "https://evil.example/",
    "http://evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "///evil.example",
    "/%5Cevil.example",
    "%2F%2Fevil.example",
    "https:evil.example",
    "https:/evil.example",
    " //evil.example",
    "/\t/evil.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "http://testserver@evil.example/",
    "http://evil.example\\@testserver/",
]


def is_local(location: str) -> bool:
    """Where a browser would go: WHATWG URL parsing drops tabs and newlines and reads "\\" as "/" in http(s)
    URLs; the result must be on our own host."""
    cleaned = re.sub(r"[\t\n\r]", "", location).strip().replace("\\", "/")
    target = urlsplit(urljoin("http://testserver/account/", cleaned))
    return target.scheme == "http" and target.netloc == "testserver"


@pytest.mark.parametrize("host", ["evil.example", "evil.example:80", "127.0.0.1.evil.example", "", "a" * 300,
                                  "testserver@evil.example", "[::1", "localhost\r\nX-Injected: 1"])  # fmt: skip
def test_an_unknown_host_header_is_a_400_and_never_reflected(client, world, paths, host):
    for path in [
        "/",
        "/feed.atom",
        "/feed.rss",
        "/api/v1/articles/",
        "/account/password-reset/",
        "/sources/opml",
    ]:
        response = client.get(path, HTTP_HOST=host)
        assert response.status_code == 400, (host, path)
        assert b"evil" not in response.content and b"Traceback" not in response.content


def test_forwarded_host_headers_are_ignored_in_absolute_links(client, world):
    response = client.get(
        "/feed.atom", HTTP_X_FORWARDED_HOST="evil.example", HTTP_FORWARDED="host=evil.example"
    )
    assert response.status_code == 200 and b"evil.example" not in response.content
    assert b"http://testserver/" in response.content


def test_a_password_reset_link_uses_our_host_not_the_callers(client, world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.WIREWATCH_RESET_MIN_SECONDS = 0
    from django.core import mail

    client.post(
        "/account/password-reset/", {"email": "viewer@example.org"}, HTTP_X_FORWARDED_HOST="evil.example"
    )
    assert len(mail.outbox) == 1 and "evil" not in mail.outbox[0].body


@pytest.mark.parametrize("target", EVIL_NEXTS)
def test_login_never_redirects_off_site(world, target):
    client = Client()
    response = client.post(f"/account/login/?next={target}", {"username": "viewer", "password": PASSWORD,
                                                               "next": target})  # fmt: skip
    assert response.status_code == 302 and is_local(response["Location"]), response["Location"]


@pytest.mark.parametrize("target", EVIL_NEXTS)
def test_reader_actions_never_redirect_off_site(world, target):
    article, users = world
    client = client_for(users["viewer"])
    for url in (f"/account/articles/{article.pk}/star/", "/account/read-all/"):
        response = client.post(url, {"next": target})
        assert response.status_code == 302 and is_local(response["Location"]), (url, response["Location"])


@pytest.mark.parametrize("target", EVIL_NEXTS[:6])
def test_an_already_logged_in_visit_to_login_with_next_stays_on_site(world, target):
    _article, users = world
    response = client_for(users["viewer"]).get(f"/account/login/?next={target}")
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert is_local(response["Location"])
