import hashlib
import re

import pytest

from tests.accounts.helpers import bearer, client_for, make_user, token_for
from tests.factories import make_article, make_source
from wirewatch.accounts import limits
from wirewatch.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def test_a_token_created_in_the_ui_is_shown_once_and_stored_only_as_its_sha256():
    client = client_for(make_user("ana", "analyst"))
    response = client.post("/account/tokens/", {"name": "my reader"}, follow=True)
    assert response.redirect_chain == [("/account/tokens/", 302)]
    assert response["Cache-Control"] == "no-store"
    secret = re.search(r'<code class="token-secret">([^<]+)</code>', response.content.decode()).group(1)
    token = ApiToken.objects.get()
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.name, token.digest, token.prefix}
    assert secret not in client.get("/account/tokens/").content.decode()


def test_a_token_without_a_name_is_refused_with_a_form_error():
    client = client_for(make_user("ana"))
    assert client.post("/account/tokens/", {"name": ""}).status_code == 400
    assert not ApiToken.objects.exists()


def test_a_bearer_token_acts_as_its_owner_without_a_session(client):
    make_article(make_source(), "Headline")
    token = token_for(make_user("ana", "analyst"))
    response = client.get("/api/v1/export.jsonl", **bearer(token))
    assert response.status_code == 200
    assert b"Headline" in b"".join(response.streaming_content)
    assert "sessionid" not in response.cookies


def test_a_revoked_token_is_refused_with_401(client):
    user = make_user("ana", "analyst")
    token = token_for(user)
    assert client.get("/api/v1/articles", **bearer(token)).status_code == 200
    client_for(user).post(f"/account/tokens/{user.api_tokens.get().pk}/revoke/")
    response = client.get("/api/v1/articles", **bearer(token))
    assert response.status_code == 401
    assert response.json() == {"error": "The token is not valid or was revoked."}


def test_a_wrong_or_huge_token_is_a_401_not_anonymous_reading(client):
    for wrong in ("ww_nope", "x" * 5000, "\u00e9\u0000"):
        assert client.get("/api/v1/articles", HTTP_AUTHORIZATION=f"Bearer {wrong}").status_code == 401


def test_a_disabled_users_token_stops_working(client):
    user = make_user("ana")
    token = token_for(user)
    user.is_active = False
    user.save()
    assert client.get("/api/v1/articles", **bearer(token)).status_code == 401


@pytest.fixture
def low_limit(settings):
    settings.WIREWATCH_API_RATE_LIMIT = 3


def test_the_api_answers_429_with_retry_after_past_the_rate_limit(client, low_limit):
    for _ in range(3):
        assert client.get("/api/v1/sources").status_code == 200
    refused = client.get("/api/v1/articles")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["retry_after"] == int(refused["Retry-After"])


def test_each_token_has_its_own_budget_apart_from_the_address(client, low_limit):
    first, second = token_for(make_user("ana")), token_for(make_user("bob"))
    for _ in range(3):
        assert client.get("/api/v1/sources", **bearer(first)).status_code == 200
    assert client.get("/api/v1/sources", **bearer(first)).status_code == 429
    assert client.get("/api/v1/sources", **bearer(second)).status_code == 200
    assert client.get("/api/v1/sources").status_code == 200


def test_feeds_count_against_the_same_limit_but_pages_do_not(client, low_limit):
    make_source()
    for _ in range(3):
        client.get("/feed.atom")
    assert client.get("/sources/naenara-en/feed.json").status_code == 429
    assert client.get("/").status_code == 200


def test_the_sliding_window_weighs_the_previous_window_by_its_overlap():
    key = limits.counter_key("test", "k")
    for _ in range(10):
        assert limits.hit(key, 10, 60, now=100.0).allowed  # window [60, 120)
    assert not limits.hit(key, 10, 60, now=100.0).allowed
    # At 150 half of the previous window still overlaps the last minute: 10 * 0.5 = 5 count.
    assert limits.peek(key, 10, 60, now=150.0).count == 5
    for _ in range(5):
        assert limits.hit(key, 10, 60, now=150.0).allowed
    refused = limits.hit(key, 10, 60, now=150.0)
    assert not refused.allowed and refused.retry_after == 30
    assert limits.peek(key, 10, 60, now=179.0).count == pytest.approx(10 / 60 + 5, abs=0.01)
