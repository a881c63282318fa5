import re

import pytest
from playwright.sync_api import expect

from tests.accounts.helpers import PASSWORD, make_user
from tests.factories import make_articles, make_source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def logged_in(live_server, page, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    make_user("ana", "analyst")
    page.goto(f"{live_server.url}/account/login/")
    page.get_by_label("User name").fill("ana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{live_server.url}/")
    return page


def test_j_k_move_through_the_stream_s_stars_and_o_opens(live_server, logged_in):
    page = logged_in
    made = make_articles(make_source(), 5)
    page.goto(f"{live_server.url}/")
    items = page.locator("ol.stream-items > li.item")
    expect(items).to_have_count(5)
    expect(items.nth(0)).to_have_class(re.compile(r"\bunread\b"))

    page.keyboard.press("j")
    expect(items.nth(0)).to_have_class(re.compile(r"\bcurrent\b"))
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(items.nth(2)).to_have_class(re.compile(r"\bcurrent\b"))
    expect(items.nth(0)).not_to_have_class(re.compile(r"\bcurrent\b"))
    page.keyboard.press("k")
    expect(items.nth(1)).to_have_class(re.compile(r"\bcurrent\b"))

    page.keyboard.press("s")
    expect(items.nth(1)).to_have_class(re.compile(r"\bstarred\b"))

    page.keyboard.press("o")
    expect(page).to_have_url(f"{live_server.url}/articles/{made[1].pk}/")
    expect(page.get_by_role("button", name="★ Starred")).to_be_visible()

    page.goto(f"{live_server.url}/")
    expect(items.nth(1)).not_to_have_class(re.compile(r"\bunread\b"))
    expect(items.nth(1)).to_have_class(re.compile(r"\bstarred\b"))
    expect(items.nth(0)).to_have_class(re.compile(r"\bunread\b"))


def test_keys_do_nothing_while_typing_in_a_field(live_server, logged_in):
    page = logged_in
    make_articles(make_source(), 2)
    page.goto(f"{live_server.url}/")
    page.locator("select[name=lang]").focus()
    page.keyboard.press("j")
    expect(page.locator("li.item.current")).to_have_count(0)
