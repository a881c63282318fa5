"""Exports' q= now speaks the search language (the search app sets api.exports.QUERY_FILTER)."""

import json

import pytest

from tests.accounts.helpers import client_for, make_user
from tests.alerts.helpers import store
from tests.factories import make_source

pytestmark = pytest.mark.django_db


def test_export_q_narrows_rows_by_the_search_language_and_refuses_a_malformed_query():
    source = make_source()
    store(source, "Launch", "A missile was launched.")
    store(source, "Harvest", "Rice was harvested.")
    store(make_source("kcna-en", "KCNA"), "Another launch", "Missiles again.")
    analyst = client_for(make_user("ana", "analyst"))
    response = analyst.get("/api/v1/export.jsonl", {"q": "missile source:naenara-en"})
    rows = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
    assert response.status_code == 200 and [row["title"] for row in rows] == ["Launch"]
    assert analyst.get("/api/v1/export.csv", {"q": '"open quote'}).status_code == 400
