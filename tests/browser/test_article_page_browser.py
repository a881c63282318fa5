import pytest
from playwright.sync_api import expect

from tests.factories import make_article, make_articles, make_source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = "/tmp/wirewatch-article.png"


def rail_ids(page) -> list[str]:
    return page.locator("#more-from-items > li").evaluate_all("items => items.map(li => li.dataset.id)")


def test_more_articles_appends_the_next_twenty_in_place_then_the_rest(live_server, page):
    source = make_source()
    made = make_articles(source, 46, text="Pyongyang, February 25 (KCNA) -- A paragraph of the article.")
    url = f"{live_server.url}/articles/{made[0].pk}/"
    page.goto(url)
    assert len(rail_ids(page)) == 20

    page.get_by_role("link", name="More Articles").click()
    # expect() polls from Playwright's side: wait_for_function would need eval, which our CSP forbids.
    expect(page.locator("#more-from-items > li")).to_have_count(40)
    assert page.url == url
    assert len(rail_ids(page)) == 40

    page.get_by_role("link", name="More Articles").click()
    expect(page.locator("#more-from-items > li")).to_have_count(45)
    ids = rail_ids(page)
    assert page.url == url
    assert ids == [str(a.pk) for a in made[1:]]
    assert page.locator("a.more-articles").count() == 0


def test_arabic_edition_article_body_is_right_to_left(live_server, page):
    source = make_source("kcna-ar", "KCNA", "Ar", "ar", timezone="Asia/Pyongyang")
    article = make_article(source, "عنوان المقال", text="بيونغ يانغ 25 فبراير (كنا) -- نص المقال.")
    page.goto(f"{live_server.url}/articles/{article.pk}/")
    body = page.locator(".article-body")
    assert body.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert page.locator("article.article").get_attribute("lang") == "ar"


def test_more_articles_link_works_without_javascript(live_server, browser):
    make_articles(make_source(), 30)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/")
        page.get_by_role("link", name="Naenara item 0").click()
        page.get_by_role("link", name="More Articles").click()
        assert "/sources/naenara-en/more/" in page.url
        assert page.locator("ol.items > li").count() == 9
    finally:
        context.close()


def test_rail_sits_beside_the_article_on_wide_screens_and_below_it_on_phones(live_server, browser):
    source = make_source()
    make_articles(source, 25)
    paragraphs = "\n".join(
        f"Paragraph {n}: the Ninth Congress of the Workers' Party of Korea continues discussion in a "
        "responsible manner, and members of the Presidium take the floor one after another."
        for n in range(6)
    )
    lead = "Kim Jong Un, general secretary of the Workers' Party of Korea, received a congratulatory message from"
    article = make_article(source, lead, text=lead + " abroad.\n" + paragraphs, title_is_lead=True)
    boxes = {}
    for name, width in (("wide", 1280), ("phone", 390)):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(f"{live_server.url}/articles/{article.pk}/")
        if name == "wide":
            page.screenshot(path=SCREENSHOT)
        boxes[name] = (
            page.locator("article.article").bounding_box(),
            page.locator("section.more-from").bounding_box(),
        )
        context.close()
    body, rail = boxes["wide"]
    assert rail["x"] >= body["x"] + body["width"]
    body, rail = boxes["phone"]
    assert rail["y"] >= body["y"] + body["height"]
    assert body["width"] <= 390
