"""Private mode: every URL the project routes needs a login or a token. The URLs are enumerated from the
resolver, so a URL added later by any app is covered without touching this test."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from tests.accounts.helpers import bearer, client_for, make_user, token_for
from tests.factories import make_article, make_source

pytestmark = pytest.mark.django_db

PUBLIC = ("/account/login/", "/account/password-reset/", "/account/reset/", "/admin/")


def _sample(route: str, article_id: int, slug: str) -> str:
    """A concrete path for a route or regex, with sample values for its parameters."""
    path = route.lstrip("^").rstrip("$")
    path = re.sub(r"<int:\w+>", str(article_id), path)
    path = re.sub(r"<slug:\w+>", slug, path)
    path = re.sub(r"<(?:str:|path:)?\w+>", "x", path)
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)
    return path.replace("/?", "/").replace("\\.", ".").replace(".*", "x")


def all_paths(article_id: int, slug: str) -> list[str]:
    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + _sample(str(pattern.pattern), article_id, slug))
            elif isinstance(pattern, URLPattern):
                found.append("/" + prefix + _sample(str(pattern.pattern), article_id, slug))

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


@pytest.fixture
def private(settings):
    settings.WIREWATCH_PRIVATE = True


@pytest.fixture
def paths():
    article = make_article(make_source("naenara-en"), "Headline")
    made = [path for path in all_paths(article.pk, "naenara-en") if not path.startswith(PUBLIC)]
    for path in made:
        resolve(path)  # every sample is a URL the project really serves
    return made


def test_the_enumeration_finds_the_pages_feeds_and_api(paths):
    for expected in (
        "/",
        "/sources/naenara-en/",
        "/sources/naenara-en/feed.atom",
        "/api/v1/articles/",
        "/feed.atom",
    ):
        assert expected in paths
    assert len(paths) > 15


def test_private_mode_turns_away_anonymous_visitors_everywhere(client, private, paths):
    for path in paths:
        response = client.get(path)
        if path.startswith("/api/") or path.endswith((".rss", ".atom", ".json", "/opml")):
            assert response.status_code == 401, path
            assert response["Content-Type"] == "application/json", path
        else:
            assert response.status_code == 302, path
            assert response["Location"].startswith("/account/login/?next="), path


def test_private_mode_lets_a_logged_in_viewer_read(private, paths):
    client = client_for(make_user("vera", "viewer"))
    for path in ("/", "/sources/", "/sources/naenara-en/", "/api/v1/articles", "/feed.atom"):
        assert client.get(path).status_code == 200, path


def test_private_mode_accepts_a_token_for_the_api_and_in_the_query_for_feeds(client, private, paths):
    token = token_for(make_user("vera", "viewer"))
    assert client.get("/api/v1/articles", **bearer(token)).status_code == 200
    assert client.get("/sources/naenara-en/feed.rss", {"token": token}).status_code == 200
    assert client.get("/sources/naenara-en/feed.json", {"token": token}).status_code == 200
    # A token in the query of a page is not accepted: it would end up in history and logs.
    assert client.get("/", {"token": token}).status_code == 302


def test_login_and_password_reset_stay_reachable_in_private_mode(client, private):
    assert client.get("/account/login/").status_code == 200
    assert client.get("/account/password-reset/").status_code == 200


def test_public_mode_reads_without_an_account(client, paths):
    for path in ("/", "/sources/naenara-en/", "/api/v1/articles", "/feed.atom", "/sources/opml"):
        assert client.get(path).status_code == 200, path
