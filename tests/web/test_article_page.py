from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import BASE_TIME, make_article, make_articles, make_source
from tests.web.html import item_ids, parse, text

pytestmark = pytest.mark.django_db

LEAD = "The DPRK has greeted a new history of comprehensive prosperity, both in the capital city and provinces and in towns and"


def page(client, article):
    response = client.get(f"/articles/{article.pk}/")
    assert response.status_code == 200
    return parse(response)


def test_article_page_shows_the_lead_headline_once(client):
    source = make_source()
    article = make_article(source, LEAD, text=LEAD + " villages.\nSecond paragraph.", title_is_lead=True)
    tree = page(client, article)
    header = tree.css_first(".article-header")
    assert text(tree.css_first("h1.headline.lead-headline")) == LEAD
    assert text(header).count(LEAD) == 1
    assert tree.css(".teaser, .item-teaser") == []


def test_date_line_reads_like_the_source_page_in_english(client):
    source = make_source(name="Naenara", edition="En", language="en")
    article = make_article(source, "Headline", published=datetime(2026, 2, 25, 3, 0, tzinfo=UTC))
    line = page(client, article).css_first(".dateline")
    assert text(line) == "Date: February 25, 2026 | Source: Naenara (En) | Read original version at source"


def test_date_line_formats_the_date_for_a_korean_edition(client):
    source = make_source("naenara-ko", "Naenara", "Ko", "ko")
    article = make_article(source, "제목", published=datetime(2026, 2, 25, 3, 0, tzinfo=UTC))
    line = page(client, article).css_first(".dateline")
    assert text(line) == "Date: 2026년 2월 25일 | Source: Naenara (Ko) | Read original version at source"


def test_date_line_uses_the_source_time_zone(client):
    # 20:00 UTC on the 24th is already the 25th in Pyongyang (UTC+9).
    source = make_source(timezone="Asia/Pyongyang")
    article = make_article(source, "Late", published=datetime(2026, 2, 24, 20, 0, tzinfo=UTC))
    assert text(page(client, article).css_first(".dateline time")) == "February 25, 2026"


def test_date_line_marks_a_first_seen_estimate(client):
    article = make_article(make_source(), "Undated", published=BASE_TIME, published_is_estimate=True)
    line = text(page(client, article).css_first(".dateline"))
    assert line.startswith("Date: February 25, 2026 (first seen; no date at source) | Source: Naenara (En)")


def test_date_line_falls_back_to_english_and_utc_for_unknown_settings(client):
    source = make_source(language="xx-unknown", timezone="Not/AZone")
    article = make_article(source, "Odd", published=datetime(2026, 2, 25, 23, 30, tzinfo=UTC))
    assert text(page(client, article).css_first(".dateline time")) == "February 25, 2026"


def test_original_link_points_at_the_source_without_referrer_or_rank(client):
    article = make_article(make_source(), "Headline", url="http://www.naenara.com.kp/en/article/41001")
    link = page(client, article).css_first(".dateline a.original")
    assert link.attributes["href"] == "http://www.naenara.com.kp/en/article/41001"
    assert link.attributes["rel"].split() == ["nofollow", "noopener", "noreferrer"]


def test_original_link_is_left_out_for_a_non_http_url(client):
    article = make_article(make_source(), "Headline", url="javascript:alert(1)")
    tree = page(client, article)
    assert tree.css_first("a.original") is None
    assert text(tree.css_first(".dateline")) == "Date: February 25, 2026 | Source: Naenara (En)"


def test_body_is_the_current_version_html_as_stored(client):
    body = "<p>First <strong>paragraph</strong>.</p><p>Second.</p>"
    article = make_article(make_source(), "Headline", html_body=body)
    paragraphs = page(client, article).css(".article-body p")
    assert [text(p) for p in paragraphs] == ["First paragraph.", "Second."]


def test_title_containing_script_is_escaped_on_the_page_and_in_the_rail(client):
    source = make_source()
    evil = make_article(source, '<script>alert("x")</script><img src=x onerror=alert(1)>')
    other = make_article(source, "Plain", published=BASE_TIME - timedelta(hours=1))
    for tree in (page(client, evil), page(client, other)):
        assert tree.css("script:not([src])") == []
        assert tree.css("img") == []
    assert (
        text(page(client, evil).css_first("h1")) == '<script>alert("x")</script><img src=x onerror=alert(1)>'
    )
    assert text(page(client, other).css_first(".more-from .item-title")).startswith("<script>")


def test_page_has_no_inline_script_or_style_so_the_csp_holds(client):
    source = make_source()
    make_articles(source, 30)
    tree = page(client, source.articles.first())
    assert [s.attributes.get("src") for s in tree.css("script")] == ["/static/wirewatch/more.js"]
    assert tree.css("style, [style]") == []


def test_rail_lists_the_twenty_latest_other_articles_newest_first(client):
    source = make_source()
    made = make_articles(source, 30)
    make_articles(make_source("other-en", "Other"), 5, newest=BASE_TIME + timedelta(days=1))
    current = made[3]
    tree = page(client, current)
    rail = tree.css_first("section.more-from")
    assert text(rail.css_first("h2")) == "More From Naenara (En)"
    expected = [a.pk for a in made if a.pk != current.pk][:20]
    assert item_ids(rail, "ol.items > li") == expected
    first = rail.css_first("li")
    assert first.css_first("a.item-title").attributes["href"] == f"/articles/{made[0].pk}/"
    assert text(first.css_first(".item-date")) == "February 25, 2026"


def test_rail_shows_each_lead_headline_once_without_a_teaser(client):
    source = make_source()
    make_article(source, LEAD, title_is_lead=True, published=BASE_TIME)
    current = make_article(source, "Current", published=BASE_TIME - timedelta(hours=1))
    rail = page(client, current).css_first("section.more-from")
    assert text(rail).count(LEAD) == 1


def test_rail_of_a_small_source_has_no_more_articles_link(client):
    source = make_source()
    made = make_articles(source, 5)
    tree = page(client, made[0])
    assert len(tree.css(".more-from li")) == 4
    assert tree.css_first("a.more-articles") is None


def test_more_articles_pages_through_a_sixty_article_source_without_duplicates_or_gaps(client):
    source = make_source()
    made = make_articles(source, 60)
    current = made[0]
    tree = page(client, current)
    seen = item_ids(tree.css_first("section.more-from"), "ol.items > li")
    link = tree.css_first("a.more-articles")
    pages = 0
    while link is not None:
        response = client.get(link.attributes["href"])
        assert response.status_code == 200
        more = parse(response)
        assert text(more.css_first("h1")) == "More From Naenara (En)"
        seen += item_ids(more)
        link = more.css_first("a.more-articles")
        pages += 1
    assert pages == 2
    assert seen == [a.pk for a in made[1:]]


def test_more_articles_fragment_holds_only_the_items_and_the_next_link(client):
    source = make_source()
    made = make_articles(source, 50)
    href = page(client, made[0]).css_first("a.more-articles").attributes["href"]
    fragment = client.get(href + "&partial=1")
    tree = parse(fragment)
    assert tree.css_first("header") is None
    assert item_ids(tree) == [a.pk for a in made[21:41]]
    next_href = tree.css_first("a.more-articles").attributes["href"]
    assert "partial" not in next_href
    last = parse(client.get(next_href + "&partial=1"))
    assert item_ids(last) == [a.pk for a in made[41:]]
    assert last.css_first("a.more-articles") is None


def test_more_articles_answers_a_bad_exclude_or_cursor_with_400(client):
    source = make_source()
    assert client.get(f"/sources/{source.slug}/more/?exclude=abc").status_code == 400
    assert client.get(f"/sources/{source.slug}/more/?exclude=²").status_code == 400
    assert client.get(f"/sources/{source.slug}/more/?cursor=forged.cursor").status_code == 400


@pytest.mark.parametrize("path", ["/articles/999999/", "/articles/99999999999999999999999/", "/articles/x/"])
def test_unknown_article_id_gives_the_404_page(client, path):
    response = client.get(path)
    assert response.status_code == 404
    tree = parse(response)
    assert text(tree.css_first("h1")) == "Not found"
    assert tree.css_first(".site-nav") is not None


def test_rtl_edition_article_carries_lang_and_dir(client):
    source = make_source("kcna-ar", "KCNA", "Ar", "ar")
    article = make_article(source, "عنوان المقال", text="نص المقال.")
    tree = page(client, article)
    container = tree.css_first("article.article")
    assert container.attributes["lang"] == "ar"
    assert container.attributes["dir"] == "rtl"
    assert tree.css_first("main").attributes["dir"] == "rtl"


def test_ltr_edition_article_carries_its_language(client):
    article = make_article(make_source("kcna-ko", "KCNA", "Ko", "ko"), "제목")
    container = page(client, article).css_first("article.article")
    assert (container.attributes["lang"], container.attributes["dir"]) == ("ko", "ltr")


def test_removed_and_edited_articles_say_so(client):
    article = make_article(make_source(), "Gone", removed_at=BASE_TIME + timedelta(days=2))
    article.version_count = 3
    article.save(update_fields=["version_count"])
    tree = page(client, article)
    assert "Removed at source" in text(tree.css_first(".notice.removed"))
    assert "Edited at source 2 times" in text(tree.css_first(".notice.versions"))


def test_a_lead_headline_cut_mid_sentence_is_marked_as_cut(client):
    source = make_source()
    cut = make_article(source, LEAD, title_is_lead=True)
    whole = make_article(
        source, "The talks ended.", title_is_lead=True, published=BASE_TIME - timedelta(hours=1)
    )
    given = make_article(source, "A headline the source gave", published=BASE_TIME - timedelta(hours=2))
    classes = {a.pk: page(client, a).css_first("h1").attributes["class"].split() for a in (cut, whole, given)}
    assert "cut" in classes[cut.pk]
    assert "cut" not in classes[whole.pk] and "lead-headline" in classes[whole.pk]
    assert classes[given.pk] == ["headline"]


def test_article_page_reads_the_database_a_fixed_number_of_times(client, django_assert_max_num_queries):
    source = make_source()
    made = make_articles(source, 40)
    # Cold: the page's cache markers (serving/markers.py), then the article, its rail, its copies (dedupe).
    with django_assert_max_num_queries(6):
        assert client.get(f"/articles/{made[5].pk}/").status_code == 200
    with django_assert_max_num_queries(3):  # cached: only the markers
        assert client.get(f"/articles/{made[5].pk}/").status_code == 200


def test_stream_page_reads_the_database_a_fixed_number_of_times(client, django_assert_max_num_queries):
    for n in range(4):
        make_articles(make_source(f"source-{n}", f"Source {n}"), 10)
    with django_assert_max_num_queries(4):  # +1: the near-duplicate counts of the page's items (dedupe)
        assert client.get("/").status_code == 200
