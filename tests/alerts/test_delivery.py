"""Alerts delivered end to end: a real SMTP server (aiosmtpd) and a real HTTP webhook receiver on loopback."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.accounts.helpers import client_for, make_user
from tests.alerts.helpers import saved_search, store
from tests.alerts.servers import signature_ok
from tests.factories import make_source
from wirewatch.alerts.dispatch import dispatch_once
from wirewatch.alerts.models import Delivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst():
    return make_user("ana", "analyst", email="ana@example.org")


def test_an_immediate_email_alert_arrives_once_with_escaped_html_and_plain_snippets(analyst, smtp):
    source = make_source()
    saved_search(analyst, "missile")
    store(source, "Launch <b>reported</b>", "Pyongyang -- A new missile <script>x</script> was launched.")
    report = dispatch_once()
    assert report.sent == 1 and report.failed == []
    (message,) = smtp.wait_for(1)
    assert message["To"] == "ana@example.org" and "missile" in message["Subject"]
    plain = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "A new missile" in plain and "<mark>" not in plain
    assert "<mark>missile</mark>" in html and "<script>" not in html and "&lt;b&gt;reported" in html
    delivery = Delivery.objects.get()
    assert message["Message-ID"] == f"<{delivery.idempotency_key}@wirewatch>"
    assert dispatch_once().sent == 0  # marked sent: never again
    assert len(smtp.messages) == 1


def test_a_daily_digest_sends_one_email_with_every_match_at_digest_time(analyst, smtp):
    source = make_source()
    saved_search(analyst, "harvest", frequency="digest")
    store(source, "Good harvest in the north", "The harvest of rice was good.")
    store(source, "Harvest festival", "Farmers celebrated the harvest.")
    assert dispatch_once().sent == 0  # not yet: the digest hour is ahead
    assert Delivery.objects.filter(next_attempt_at__gt=timezone.now()).count() == 2
    Delivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))  # the digest hour came
    assert dispatch_once().sent == 2
    (message,) = smtp.wait_for(1)
    assert "2 alerts" in message["Subject"]
    plain = message.get_body(("plain",)).get_content()
    assert "Good harvest in the north" in plain and "Harvest festival" in plain


def test_a_webhook_is_signed_with_hmac_sha256_and_carries_the_idempotency_key(analyst, webhook):
    source = make_source()
    search = saved_search(analyst, "typhoon", channel="webhook", webhook_url=webhook.url)
    article = store(source, "Typhoon warning", "A typhoon approaches the east coast.")
    assert dispatch_once().sent == 1
    ((headers, body),) = webhook.requests
    assert signature_ok(search.webhook_secret, headers, body)
    assert not signature_ok("another secret", headers, body)
    document = json.loads(body)
    assert headers["X-Wirewatch-Idempotency-Key"] == document["idempotency_key"]
    assert document["alerts"][0]["article_id"] == article.pk
    assert document["alerts"][0]["url"].endswith(f"/articles/{article.pk}/")


def test_a_failing_webhook_is_retried_with_exponential_backoff_then_failed_and_shown(
    analyst, webhook, settings
):
    settings.WIREWATCH_ALERTS = {**settings.WIREWATCH_ALERTS, "MAX_ATTEMPTS": 3, "BACKOFF_SECONDS": 10}
    webhook.statuses = [500, 503, 502]
    source = make_source()
    saved_search(analyst, "typhoon", channel="webhook", webhook_url=webhook.url, name="Storms")
    store(source, "Typhoon warning", "A typhoon approaches.")
    waits = []
    for _ in range(3):
        before = timezone.now()
        assert dispatch_once().sent == 0
        row = Delivery.objects.get()
        waits.append((row.next_attempt_at - before).total_seconds())
        Delivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    row = Delivery.objects.get()
    assert (row.status, row.attempts, row.last_error) == ("failed", 3, "webhook answered HTTP 502")
    assert 9 < waits[0] < 11 and 19 < waits[1] < 21  # 10 s, then 20 s
    assert len(webhook.requests) == 3 and dispatch_once().sent == 0 and len(webhook.requests) == 3
    page = client_for(analyst).get("/alerts/").content.decode()
    assert "Failed deliveries" in page and "webhook answered HTTP 502" in page
    client_for(analyst).post(f"/alerts/{row.subscription_id}/retry")
    assert dispatch_once().sent == 1 and len(webhook.processed) == 1


def test_an_unreachable_smtp_server_is_a_retry_not_a_crash(analyst, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # discard port: refused
    saved_search(analyst, "missile")
    store(make_source(), "Launch", "A missile.")
    report = dispatch_once()
    assert report.sent == 0 and len(report.failed) == 1
    row = Delivery.objects.get()
    assert row.status == "pending" and row.attempts == 1 and "e-mail" in row.last_error
