"""The OpenAPI spec is served, describes the API, and the API keeps to it under schemathesis' generated input."""

import json
import re

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.accounts.helpers import make_user, token_for
from tests.factories import make_articles, make_source
from wirewatch.api.openapi import spec

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_dict(spec())
schema.app = get_wsgi_application()


def test_the_spec_is_served_as_openapi_3_1_and_names_every_endpoint(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    served = json.loads(response.content)
    assert served["openapi"] == "3.1.0"
    assert {"/articles", "/articles/{id}", "/sources", "/export.csv", "/export.jsonl", "/search"} <= set(
        served["paths"]
    )


# Routes whose owners add their spec entries in api/openapi.py PATHS (the "Other endpoints" place). Remove a name
# from here once it is documented: this test then fails if the entry is missing again.
NOT_YET_DOCUMENTED: set[str] = set()


def _normalised(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


def test_every_api_route_is_in_the_spec():
    from wirewatch.api import urls

    documented = {_normalised(path) for path in spec()["paths"]}
    missing = set()
    for pattern in urls.urlpatterns:
        if pattern.name in (None, "openapi"):
            continue
        route = "/" + str(pattern.pattern).strip("^$").replace("/?", "").replace("\\.", ".")
        if _normalised(re.sub(r"\(\?P<\w+>[^)]*\)", "{}", route)) not in documented:
            missing.add(pattern.name)
    assert missing == NOT_YET_DOCUMENTED


@pytest.fixture
def wsgi_requests_keep_the_test_database():
    """Django's test client does the same: a finished request must not close the test's connection."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def analyst_token(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.WIREWATCH_API_RATE_LIMIT = 100_000
    make_articles(make_source(), 5)
    make_articles(make_source("rodong-ko", "Rodong Sinmun", "Ko", "ko"), 3)
    return token_for(make_user("ana", "analyst"))


@schema.parametrize()
@settings(max_examples=20, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_the_api_never_answers_5xx_and_keeps_to_its_spec(
    case, analyst_token, wsgi_requests_keep_the_test_database
):
    # Anonymous and with an analyst's token: both must conform (401 for exports is documented). A cursor is a
    # signed token only a previous page issues, which no schema can describe: a made-up one is rightly a 400,
    # so the "schema-valid request accepted" check is the one check left out.
    excluded = [positive_data_acceptance]
    case.call_and_validate(excluded_checks=excluded)
    case.call_and_validate(headers={"Authorization": f"Bearer {analyst_token}"}, excluded_checks=excluded)
