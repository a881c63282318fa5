"""Access control for every URL the project routes (enumerated from the resolver) against each role, in public
and private mode. The rules checked hold for any URL, so a URL added later is covered without editing this."""

import pytest
from django.test import Client

from tests.accounts.helpers import bearer, token_for

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "viewer", "analyst", "admin")
# Reachable by anyone in private mode too: how one logs in.
LOGIN_PAGES = ("/account/login/", "/account/password-reset/", "/account/reset/", "/admin/login/")
ANALYST_ONLY = ("/export/", "/api/v1/export.csv", "/api/v1/export.jsonl")


def matrix(paths, users, private: bool, settings) -> dict[tuple[str, str], int]:
    settings.WIREWATCH_PRIVATE = private
    statuses = {}
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(users[role])
        for path in paths:
            statuses[(role, path)] = client.get(path).status_code
    return statuses


@pytest.mark.parametrize("private", [False, True], ids=["public", "private"])
def test_every_url_against_every_role(world, paths, settings, private):
    _article, users = world
    statuses = matrix(paths, users, private, settings)
    assert [key for key, status in statuses.items() if status >= 500] == []
    for path in paths:
        row = [statuses[(role, path)] for role in ROLES]
        if path.startswith("/admin/") and not path.startswith("/admin/login/"):
            assert 200 not in row[:3], (path, row)  # the admin is for admins only
        if private and not path.startswith(LOGIN_PAGES):
            assert row[0] != 200, (path, row)  # private: nothing for anonymous visitors
        if path.startswith(ANALYST_ONLY):
            assert row[1] in (401, 403) and row[2] == 200, (path, row)
        if not path.startswith(LOGIN_PAGES + ("/account/logout/",)):
            # Monotonic: what a role may read, every higher role may read too.
            first = next((i for i, status in enumerate(row) if status == 200), None)
            assert first is None or all(status == 200 for status in row[first:]), (path, row)
    assert len(statuses) == len(ROLES) * len(paths) and len(paths) > 80


def test_a_viewer_token_reads_the_api_but_cannot_export_or_enter_the_admin(world, paths, settings, client):
    settings.WIREWATCH_PRIVATE = True
    _article, users = world
    headers = bearer(token_for(users["viewer"]))
    for path in paths:
        status = client.get(path, **headers).status_code
        assert status < 500, path
        if path.startswith(("/admin/", *ANALYST_ONLY)) and not path.startswith("/admin/login/"):
            assert status != 200, (path, status)
    assert client.get("/api/v1/articles/", **headers).status_code == 200


def test_every_html_answer_has_the_csp_and_security_headers_errors_included(world, paths):
    _article, users = world
    seen = 0
    for client in (Client(), Client()):
        for path in [*paths, "/no/such/page/", "/articles/999999/", "/sources/nope/"]:
            response = client.get(path)
            if "html" not in response.headers.get("Content-Type", ""):
                continue
            seen += 1
            csp = response.headers.get("Content-Security-Policy", "")
            assert (
                "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
            )
            assert response.headers.get("X-Content-Type-Options") == "nosniff", path
            assert response.headers.get("X-Frame-Options") == "DENY", path
            assert response.headers.get("Referrer-Policy") and response.headers.get("Permissions-Policy"), (
                path
            )
        client.force_login(users["admin"])
    assert seen > 100
