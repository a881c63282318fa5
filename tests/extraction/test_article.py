"""extract_article end to end: per-source rules, the trafilatura fallback, headlines, dates, language."""

from datetime import UTC, datetime

import httpx
import pytest

from tests.sites.server import Page
from wirewatch.extraction import RulesError, extract_article, validate_rules

KCNA_RULES = {
    "title": ".article-main-title",
    "body": ".content-wrapper p",
    "date": ".publish-time",
    "remove": [".media-caption"],
}
ARTICLE_URL = "http://www.kcna.kp/en/article/q/fa7e154f5c73c73b396d2cc455a0d6af.kcmsf"
PARAGRAPHS = [
    "Pyongyang, January 1 (KCNA) -- A national flag-hoisting ceremony was held at"
    "<nobr><strong>Kim Il Sung</strong></nobr>Square on January 1, Juche 113 (2024).",
    "The square was crowded with Pyongyangites waiting for the moment of excitement and joy.",
    "The respected Comrade<nobr><strong>Kim Jong Un</strong></nobr>met the performers. -0-",
]


def kcna_page(title: str = "National Flag Hoisted on New Year", date: str = "[Juche113.1.1.]") -> str:
    """An article page in KCNA's documented 2021-2025 layout (../shared/README.md)."""
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>KCNA</title></head><body>
    <div class="header"><a href="/en/">Home</a> <a href="/en/category/articles/q/1.kcmsf">Top News</a></div>
    <div class="article-main-title">{title}</div><span class="publish-time">{date}</span>
    <div class="content-wrapper"><p class="media-caption">Photo: the square</p>{body}</div>
    <ul class="article-link"><li><a href="/en/article/q/2.kcmsf">Another story</a></li></ul>
    <div class="footer">Copyright KCNA</div></body></html>"""


def test_rules_extract_a_page_in_kcna_layout_fetched_from_a_local_site(site):
    site.routes["/en/article/q/1.kcmsf"] = Page(kcna_page())
    url = site.url("/en/article/q/1.kcmsf")
    response = httpx.get(url)
    result = extract_article(response.text, url, language="en", timezone="Asia/Pyongyang", rules=KCNA_RULES)
    assert (result.extracted_by, result.rules_matched) == ("rules", True)
    assert result.title == "National Flag Hoisted on New Year" and not result.title_is_lead
    assert result.text.split("\n\n")[1:] == [
        "The square was crowded with Pyongyangites waiting for the moment of excitement and joy.",
        "The respected Comrade Kim Jong Un met the performers. -0-",
    ]
    assert "held at Kim Il Sung Square on January 1" in result.text
    assert "Photo: the square" not in result.text and "Another story" not in result.text
    assert result.html.count("<p>") == 3 and "Comrade <strong>Kim Jong Un</strong> met" in result.html
    assert result.published == datetime(2023, 12, 31, 15, tzinfo=UTC)
    assert result.published_from == "meta"
    assert result.language == "en"


def test_rules_that_find_no_body_fall_back_to_trafilatura():
    rules = {"title": ".headline", "body": ".story-body p"}  # the 2026 redesign's selectors, say
    result = extract_article(kcna_page(), ARTICLE_URL, language="en", rules=rules)
    assert (result.extracted_by, result.rules_matched) == ("generic", False)
    assert "The square was crowded with Pyongyangites" in result.text
    assert "Comrade Kim Jong Un met the performers" in result.text


def test_no_rules_means_generic_and_rules_matched_none():
    result = extract_article(kcna_page(), ARTICLE_URL, language="en")
    assert (result.extracted_by, result.rules_matched) == ("generic", None)
    assert "Kim Il Sung Square" in result.text


def test_unusable_rules_are_reported_as_not_matching_instead_of_crashing():
    result = extract_article(kcna_page(), ARTICLE_URL, language="en", rules={"body": "div[", "title": 3})
    assert (result.extracted_by, result.rules_matched) == ("generic", False)


@pytest.mark.parametrize(
    "rules",
    [{"body": "div["}, {"bodyy": "p"}, {"remove": ".ad"}, {"title": ""}, ["p"], {"remove": [None]}],
)
def test_validate_rules_names_the_problem(rules):
    with pytest.raises(RulesError):
        validate_rules(rules)


def test_a_body_selector_matching_container_and_paragraphs_takes_no_text_twice():
    rules = {"body": ".content-wrapper, .content-wrapper p", "remove": [".media-caption"]}
    result = extract_article(kcna_page(), ARTICLE_URL, language="en", rules=rules)
    assert result.text.count("The square was crowded") == 1


@pytest.mark.parametrize("title", ["", "KCNA", "Naenara", "   "])
def test_a_page_without_a_real_headline_gets_a_lead_headline(title):
    result = extract_article(kcna_page(title=title), ARTICLE_URL, language="en", rules=KCNA_RULES)
    assert result.title_is_lead
    assert (
        result.title
        == "A national flag-hoisting ceremony was held at Kim Il Sung Square on January 1, Juche 113 (2024)."
    )


def test_a_real_listing_title_beats_a_lead():
    result = extract_article(
        kcna_page(title=""), ARTICLE_URL, language="en", rules=KCNA_RULES, listing_title="Flag Hoisted"
    )
    assert (result.title, result.title_is_lead) == ("Flag Hoisted", False)


def test_a_listing_teaser_that_is_just_the_body_start_is_not_taken_for_a_headline():
    teaser = "A national flag-hoisting ceremony was held at Kim Il Sung Square on"
    result = extract_article(
        kcna_page(title=""), ARTICLE_URL, language="en", rules=KCNA_RULES, listing_title=teaser
    )
    assert result.title_is_lead and result.title.endswith("(2024).")


def test_a_date_label_in_the_headline_is_removed_and_used():
    rules = {**KCNA_RULES, "date": ".nowhere"}
    result = extract_article(
        kcna_page(title="Flag Hoisted\n[Juche113.1.2.]"), ARTICLE_URL, language="en", rules=rules
    )
    assert result.title == "Flag Hoisted"
    assert (result.published.date().isoformat(), result.published_from) == ("2024-01-02", "meta")


def page_with(
    head: str = "", body: str = "<p>Pyongyang, July 14 (KCNA) -- Some news happened today.</p>"
) -> str:
    return f"<html><head>{head}</head><body><article>{body}</article></body></html>"


NO_DATE_RULES = {"body": "article p"}


def test_published_prefers_page_metadata_to_everything_else():
    head = '<meta property="article:published_time" content="2024-07-10T08:00:00+09:00">'
    result = extract_article(
        page_with(head),
        "https://x.org/2024/07/12/a",
        language="en",
        rules=NO_DATE_RULES,
        listing_date=datetime(2024, 7, 11, tzinfo=UTC),
    )
    assert (result.published, result.published_from) == (datetime(2024, 7, 9, 23, tzinfo=UTC), "meta")


@pytest.mark.parametrize(
    "head",
    [
        '<script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", "datePublished": "2024-07-10"}]}</script>',
        '<meta itemprop="datePublished" content="2024-07-10">',
    ],
)
def test_published_reads_json_ld_and_microdata(head):
    result = extract_article(page_with(head), "https://x.org/a", language="en", rules=NO_DATE_RULES)
    assert (result.published, result.published_from) == (datetime(2024, 7, 10, tzinfo=UTC), "meta")


def test_published_then_the_listing_date_then_the_url_then_the_dateline():
    url, listed = "https://x.org/news/2024/07/12/a", datetime(2024, 7, 11, 6, tzinfo=UTC)
    with_listing = extract_article(page_with(), url, language="en", rules=NO_DATE_RULES, listing_date=listed)
    assert (with_listing.published, with_listing.published_from) == (listed, "listing")
    from_url = extract_article(page_with(), url, language="en", rules=NO_DATE_RULES)
    assert (from_url.published, from_url.published_from) == (datetime(2024, 7, 12, tzinfo=UTC), "url")
    from_text = extract_article(page_with(), "https://x.org/a", language="en", rules=NO_DATE_RULES)
    assert from_text.published_from == "dateline"
    assert (from_text.published.month, from_text.published.day) == (7, 14)


def test_no_date_anywhere_gives_none():
    result = extract_article(
        page_with(body="<p>Some news.</p>"), "https://x.org/a", language="en", rules=NO_DATE_RULES
    )
    assert (result.published, result.published_from) == (None, "")


KOREAN = (
    "경애하는 김정은동지께서 새로 건설된 평양종합병원을 현지에서 지도하시였다. 병원의 건설성과를 높이 평가하시고 "
    "의료봉사수준을 더욱 높일데 대한 과업을 제시하시였다. 인민들이 더 좋은 의료조건에서 치료를 받을수 있도록 하는것은 "
    "우리 당의 일관한 방침이다. 병원의 모든 일군들과 의료일군들은 인민의 건강을 책임진 주인으로서의 본분을 다해나갈 "
    "결의를 피력하였다."
)


def test_a_korean_text_in_an_english_edition_is_marked_korean():
    result = extract_article(
        page_with(body=f"<p>{KOREAN}</p><p>{KOREAN}</p>"),
        "https://x.org/a",
        language="en",
        rules=NO_DATE_RULES,
    )
    assert result.language == "ko"


def test_a_short_text_trusts_the_edition_language():
    result = extract_article(
        page_with(body="<p>평양종합병원</p>"), "https://x.org/a", language="en", rules=NO_DATE_RULES
    )
    assert result.language == "en"


def test_the_byline_comes_from_the_rules():
    html = page_with(body='<p class="by">By Ri Hyon Ju</p><p>Text of the story here.</p>')
    result = extract_article(
        html, "https://x.org/a", language="en", rules={"body": "article p:not(.by)", "byline": ".by"}
    )
    assert result.byline == "By Ri Hyon Ju"


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        "\x00\x01\x02\ufffd",
        "<html><body>" + "<div>" * 50_000 + "deep" + "</div>" * 50_000 + "</body></html>",
        "<p>" + "word " * 400_000 + "</p>",
        "<html><body><p>unclosed <b><i>tags <table><tr><td>cell</p>",
        '<?xml version="1.0" encoding="utf-8"?><html><body><p>An XML declaration in a str.</p></body></html>',
    ],
)
def test_hostile_pages_give_a_result_not_a_crash(html):
    result = extract_article(html, "https://x.org/a", language="en", rules=KCNA_RULES)
    assert isinstance(result.text, str) and isinstance(result.title, str)
    assert "<script" not in result.html


def test_an_absurdly_long_headline_is_shortened_at_a_word():
    result = extract_article(kcna_page(title="word " * 1000), ARTICLE_URL, language="en", rules=KCNA_RULES)
    assert len(result.title) <= 500 and result.title.endswith("word…")


def test_the_seed_page_without_a_headline_gets_a_word_boundary_lead_and_no_rail(shared_dir):
    html = (shared_dir / "seed/article-page.html").read_text(encoding="utf-8")
    rail_teaser = (
        "Today, the Korean people are significantly marking the 3rd anniversary of visit of the respected"
    )
    result = extract_article(
        html, "https://naenara.com.kp/en/article/41000", language="en", listing_title=rail_teaser
    )
    assert (
        result.title_is_lead
    )  # <title>Naenara</title> is the site's name; the listing teaser is the body's start
    assert result.title == (
        "Today, the Korean people are significantly marking the 3rd anniversary of visit of the respected Comrade "
        "Kim Jong Un to…"
    )
    assert result.text.startswith("Today, the Korean people") and result.text.count("\n\n") == 10
    assert "More From Naenara" not in result.text and "February 25, 2026" not in result.text
    assert result.published is None and result.published_from == ""  # the rail's dates are other articles'
