"""Hostile query strings on every GET URL (enumerated): 100,000-character values, forged and huge cursors, bad
bytes, absurd numbers and dates. Each is answered with a 2xx or a clear 4xx, quickly; never a 500 or a trace."""

import base64
import time
from urllib.parse import quote

import pytest

from tests.accounts.helpers import client_for

pytestmark = pytest.mark.django_db

PARAMS = ["q", "cursor", "limit", "source", "lang", "language", "kind", "from", "to", "by", "exclude",
          "collapse", "partial", "date", "edition", "entity", "status", "sort", "page", "format", "since", "until"]  # fmt: skip
HOSTILE_VALUES = {
    "100k characters": "a" * 100_000,
    "100k of query syntax": '("x" OR ' * 12_000 + "y" + ")" * 12_000,
    "forged cursor": base64.urlsafe_b64encode(b'{"p": "9999-99-99", "i": -1}').decode(),
    "huge cursor": base64.urlsafe_b64encode(b"9" * 60_000).decode(),
    "deep offset": "999999999999999999999999999999",
    "negative": "-1",
    "NUL and controls": "\x00\x01\x1b[31m",
    "lone surrogate bytes": "%ED%A0%80",
    "bad percent": "%%%",
    "sql": "1' OR '1'='1'; DROP TABLE archive_article; --",
    "fts syntax": 'NEAR(" * ^ -- :',
    "date overflow": "99999-12-31T25:61:61+99:99",
}


@pytest.fixture
def readable_paths(paths):
    return [path for path in paths if not path.startswith(("/admin/", "/account/logout", "/account/reset/"))]


def query(value: str) -> str:
    """Every parameter set to ``value``; a 100,000-character value only in the three that take text (with all
    22 it would be a 20 MB request line, which the HTTP server in front refuses before Django sees it)."""
    raw = value in ("%ED%A0%80", "%%%")
    names = ["q", "cursor", "source"] if len(value) > 1000 else PARAMS
    return "&".join(f"{param}={value if raw else quote(value)}" for param in names)


@pytest.mark.parametrize("label", list(HOSTILE_VALUES))
def test_hostile_query_strings_are_never_a_server_error(world, readable_paths, label):
    _article, users = world
    client = client_for(users["analyst"])
    value = HOSTILE_VALUES[label]
    slow = []
    for path in readable_paths:
        started = time.monotonic()
        response = client.get(f"{path}?{query(value)}")
        elapsed = time.monotonic() - started
        assert response.status_code < 500, (label, path, response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"Traceback" not in body and b'File "/' not in body, (label, path)
        if elapsed > 2:
            slow.append((path, round(elapsed, 1)))
    assert slow == []


@pytest.mark.parametrize("path", ["/search", "/api/v1/search/", "/api/v1/articles/", "/", "/changes/"])
def test_100000_character_queries_and_forged_cursors_get_a_clear_4xx(world, path):
    _article, users = world
    client = client_for(users["analyst"])
    for params in ({"q": "a " * 50_000}, {"q": "김정은 " * 25_000}, {"cursor": "x" * 100_000}, {"cursor": "not a cursor"},
                   {"cursor": HOSTILE_VALUES["forged cursor"]}):  # fmt: skip
        if path not in ("/search", "/api/v1/search/") and "q" in params:
            continue
        response = client.get(
            path, {**params, **({"q": "kim"} if "cursor" in params and "search" in path else {})}
        )
        assert 400 <= response.status_code < 500, (path, list(params), response.status_code)
