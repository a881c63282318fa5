"""An analyst saves a search with an e-mail alert in the browser; a new matching article is stored through the
real store path; the delivery runs; the e-mail with the snippet arrives at a real SMTP server (aiosmtpd)."""

import pytest
from playwright.sync_api import expect

from tests.accounts.helpers import PASSWORD, make_user
from tests.alerts.helpers import store
from tests.alerts.servers import SMTPServer
from tests.factories import make_source
from wirewatch.alerts.dispatch import dispatch_once
from wirewatch.alerts.models import Subscription

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def smtp(settings):
    server = SMTPServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", server.port, False
    yield server.inbox
    server.stop()


def test_save_a_search_with_an_email_alert_and_receive_the_next_match(live_server, page, settings, smtp):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    make_user("ana", "analyst", email="ana@example.org")
    source = make_source()
    store(source, "Earlier launch", "Pyongyang -- A missile was tested last year.")
    page.goto(f"{live_server.url}/account/login/")
    page.get_by_label("User name").fill("ana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{live_server.url}/")

    page.locator("header input[name=q]").fill("missile")
    page.keyboard.press("Enter")
    expect(page.locator("ol.search-items > li")).to_have_count(1)
    page.get_by_text("Save search / Alert me").click()
    form = page.locator("form.save-search-form")
    form.get_by_label("Name").fill("Missile launches")
    form.get_by_label("Deliver by").select_option("email")
    form.get_by_label("How often").select_option("immediate")
    form.get_by_role("button", name="Save search").click()
    expect(page).to_have_url(f"{live_server.url}/alerts/")
    expect(page.locator(".alert-item h2")).to_contain_text("Missile launches")
    assert Subscription.objects.get().email == "ana@example.org"

    store(source, "New launch reported", "Pyongyang -- Another missile was launched on Tuesday morning.")
    assert dispatch_once().sent == 1
    (message,) = smtp.wait_for(1)
    assert message["To"] == "ana@example.org" and "New launch reported" in message["Subject"]
    assert "<mark>missile</mark>" in message.get_body(("html",)).get_content()
    assert "Another missile was launched" in message.get_body(("plain",)).get_content()

    page.reload()
    expect(page.locator(".alert-deliveries")).to_contain_text("New launch reported")
