"""The page we model (../shared/seed/) rebuilt by Wirewatch: the Naenara (En) source polled, its article page served.

The seed's own flaws are what we assert against: leads cut mid-phrase and printed twice, no date or source line.
"""

import json

import pytest
from selectolax.lexbor import LexborHTMLParser

from tests.sites.seed import ARTICLE_RULES, LISTING_RULES, MAIN_ARTICLE_DATE, read_seed, serve_seed
from wirewatch.archive.models import Article
from wirewatch.sources.services import add_source
from wirewatch.watch.loop import run_once

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.shared]
LIMIT = 125


@pytest.fixture
def seeded(site, shared_dir):
    """The seed's source, polled once: 20 rail items, the main article, and 25 older KCNA items (February 2026)."""
    seed = read_seed(shared_dir)
    rows = [
        r
        for r in json.loads((shared_dir / "data/kcna-en/articles.json").read_text())
        if r["story_text"].count("\n") >= 3
    ]
    older = [
        (f"/en/article/3{n:04d}", rows[n]["story_text"].split("\n")[1:4], f"February {22 - n % 20}, 2026")
        for n in range(25)
    ]
    listing = serve_seed(site, seed, older)
    add_source(
        "Naenara",
        "En",
        "en",
        listings=[listing],
        delay=0,
        timezone="Asia/Pyongyang",
        rules={"listing": LISTING_RULES, "article": ARTICLE_RULES},
    )
    [report] = run_once()
    assert report.ok and report.new_articles == 46, report
    return seed, site


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return LexborHTMLParser(response.content.decode())


def assert_lead_cut_at_a_word_boundary(headline: str, text: str):
    assert len(headline) <= LIMIT + 1
    if headline.endswith("…"):
        stem = headline[:-1].rstrip()
        assert text.startswith(stem) and text[len(stem)] in " ,;:"
    else:
        assert text.startswith(headline)
        assert len(text) == len(headline) or text[len(headline)] == " "


def test_the_article_page_shows_the_article_with_its_date_and_source_line(seeded, client):
    seed, site = seeded
    article = Article.objects.get(url=site.url("/en/article/40001"))
    tree = page(client, f"/articles/{article.pk}/")
    body = tree.css_first(".article-body").text()
    assert all(paragraph in body for paragraph in seed.paragraphs)
    dateline = " ".join(tree.css_first(".dateline").text().split())
    assert dateline == f"Date: {MAIN_ARTICLE_DATE} | Source: Naenara (En) | Read original version at source"
    assert tree.css_first(".dateline a.original").attributes["href"] == site.url("/en/article/40001")
    headline = tree.css_first("h1").text(strip=True)
    assert article.title_is_lead and headline == article.title
    assert_lead_cut_at_a_word_boundary(headline, seed.paragraphs[0])


def test_the_rail_lists_the_20_latest_items_in_order_each_lead_once(seeded, client):
    seed, _ = seeded
    article = Article.objects.get(url__endswith="/en/article/40001")
    tree = page(client, f"/articles/{article.pk}/")
    rail = tree.css_first("section.more-from")
    assert rail.css_first("h2").text(strip=True) == "More From Naenara (En)"
    items = rail.css("li.item")
    assert len(items) == 20
    for item, expected in zip(items, seed.rail, strict=True):
        headline = item.css_first("a.item-title").text(strip=True)
        assert_lead_cut_at_a_word_boundary(headline, expected.lead)
        assert item.css_first(".item-date").text(strip=True) == expected.date_text
        assert item.text().count(headline) == 1


def test_more_articles_gives_the_next_20_of_the_source(seeded, client):
    article = Article.objects.get(url__endswith="/en/article/40001")
    tree = page(client, f"/articles/{article.pk}/")
    rail_ids = [li.attributes["data-id"] for li in tree.css("section.more-from li.item")]
    more = page(client, tree.css_first("a.more-articles").attributes["href"])
    more_items = more.css("li.item")
    assert len(more_items) == 20
    more_ids = [li.attributes["data-id"] for li in more_items]
    assert not set(more_ids) & set(rail_ids)
    dates = [li.css_first(".item-date").text(strip=True) for li in more_items]
    assert dates[0] == "February 22, 2026"
    assert all(d.startswith("February ") and d.endswith(", 2026") for d in dates)
