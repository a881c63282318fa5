"""Webhook addresses go through the sources' SSRF guard: refused when saved, refused again when delivered.

The canaries are real HTTP servers on loopback that count every request; with internal addresses not allowed
they must see none. The test plugin allows 127.0.0.0/8 for test sources, so each test sets the setting itself.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.accounts.helpers import client_for, make_user
from tests.alerts.helpers import saved_search, store
from tests.factories import make_source
from wirewatch.alerts.dispatch import dispatch_once
from wirewatch.alerts.models import Delivery, Subscription

pytestmark = pytest.mark.django_db


class Canary:
    """Counts every request to it; answers 200, or a 302 to ``redirect_to`` when that is set."""

    def __init__(self, host: str = "127.0.0.1", redirect_to: str = "") -> None:
        self.hits: list[str] = []
        canary = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                canary.hits.append(f"{self.command} {self.path}")
                self.send_response(302 if redirect_to else 200)
                if redirect_to:
                    self.send_header("Location", redirect_to)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = _answer  # noqa: N815 (http.server's hook names)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.url = f"http://{host}:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def canary():
    server = Canary()
    yield server
    server.stop()


@pytest.fixture
def analyst():
    return make_user("ana", "analyst", email="ana@example.org")


def _alert_waiting(analyst, url: str) -> Subscription:
    """A webhook subscription saved without the form (before an upgrade, or by a name that now resolves
    elsewhere), and one article matching it."""
    search = saved_search(analyst, "typhoon", channel="webhook", webhook_url=url)
    store(make_source(), "Typhoon warning", "A typhoon approaches the east coast.")
    return search


def test_an_internal_webhook_is_refused_at_delivery_and_the_canary_sees_nothing(analyst, canary, settings):
    settings.WIREWATCH_ALLOW_INTERNAL_SOURCES = []
    _alert_waiting(analyst, canary.url)
    report = dispatch_once()
    assert report.sent == 0 and canary.hits == []
    assert "is an internal address" in report.failed[0]
    row = Delivery.objects.get()
    assert row.status == Delivery.Status.PENDING and "WIREWATCH_ALLOW_INTERNAL_SOURCES" in row.last_error
    settings.WIREWATCH_ALLOW_INTERNAL_SOURCES = ["127.0.0.1/32"]  # an admin allows it: the same row goes out
    Delivery.objects.update(next_attempt_at=row.created_at)
    assert dispatch_once().sent == 1 and canary.hits == ["POST /hook"]


def test_a_webhook_redirect_to_an_internal_address_is_not_followed(analyst, settings):
    settings.WIREWATCH_ALLOW_INTERNAL_SOURCES = ["127.0.0.1/32"]  # the redirector is allowed, 127.0.0.2 not
    target = Canary("127.0.0.2")
    redirector = Canary("127.0.0.1", redirect_to=target.url)
    try:
        _alert_waiting(analyst, redirector.url)
        report = dispatch_once()
    finally:
        redirector.stop()
        target.stop()
    assert report.sent == 0 and "HTTP 302" in report.failed[0]
    assert redirector.hits == ["POST /hook"] and target.hits == []


@pytest.mark.parametrize(
    "address",
    ["http://127.0.0.1:{port}/hook", "http://[::1]:{port}/hook", "http://169.254.169.254/latest/meta-data/",
     "http://10.0.0.7/hook", "http://localhost:{port}/hook"],
)  # fmt: skip
def test_saving_an_internal_webhook_is_a_form_error_and_nothing_is_sent(analyst, canary, settings, address):
    settings.WIREWATCH_ALLOW_INTERNAL_SOURCES = []
    url = address.format(port=canary.url.split(":")[2].split("/")[0])
    form = {"name": "Storms", "query": "typhoon", "channel": "webhook", "frequency": "immediate",
            "webhook_url": url}  # fmt: skip
    response = client_for(analyst).post("/alerts/save", form)
    assert response.status_code == 400
    assert "Webhooks cannot go to internal addresses" in response.content.decode()
    assert not Subscription.objects.exists() and canary.hits == []


def test_an_allowed_internal_webhook_saves(analyst, canary, settings):
    settings.WIREWATCH_ALLOW_INTERNAL_SOURCES = ["127.0.0.0/8"]
    form = {"name": "Storms", "query": "typhoon", "channel": "webhook", "frequency": "immediate",
            "webhook_url": canary.url}  # fmt: skip
    assert client_for(analyst).post("/alerts/save", form).status_code == 302
    assert Subscription.objects.get().webhook_url == canary.url
