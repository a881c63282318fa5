"""parse_listing: KCNA's and Rodong Sinmun's documented layouts, paging, and noticing a redesign."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime
from pathlib import Path

import httpx

import wirewatch
from tests.sites.server import Page
from wirewatch.discovery import RULES_BROKEN, parse_listing

KCNA_RULES = {
    "item": "ul.article-link li a",
    "date": "span.publish-time",
    "next": "div.pagination a.next",
    "url_pattern": r"/en/article/q/[0-9a-f]+\.kcmsf$",
}
KCNA_URL = "http://kcna.kp/en/category/articles/q/1ee9bdb7186944f765208f34ecfb5407.kcmsf"


def kcna_listing(items: list[tuple[str, str, str]], next_href: str = "?page=2") -> str:
    rows = "\n".join(
        f'<li><a href="{href}"><span class="icon"></span>{title} <span class="publish-time">{date}</span></a></li>'
        for href, title, date in items
    )
    return f"""<!DOCTYPE html><html><head><title>KCNA Watch | Articles</title></head><body>
    <div class="menu"><a href="/en/">Home</a></div>
    <ul class="article-link">{rows}</ul>
    <div class="pagination"><a href="?page=0">Prev</a><a class="next" href="{next_href}">Next</a></div>
    </body></html>"""


KCNA_ITEMS = [
    ("/en/article/q/4a8b2c.kcmsf", "Kim Jong Un Inspects Munitions Factory", "[Juche113.7.14.]"),
    ("/en/article/q/9f00e1.kcmsf", "Kim Yo Jong's Press Statement", "[2024.10.29.]"),
    ("/en/article/q/9f00e1.kcmsf#top", "Kim Yo Jong's Press Statement", "[2024.10.29.]"),
    ("/en/category/articles/q/other.kcmsf", "Another category", "[2024.10.29.]"),
]


def test_kcna_listing_gives_articles_with_titles_and_juche_and_dotted_dates():
    result = parse_listing(
        kcna_listing(KCNA_ITEMS), url=KCNA_URL, rules=KCNA_RULES, timezone="Asia/Pyongyang"
    )
    assert result.error is None
    assert [(c.url, c.title, c.published) for c in result.candidates] == [
        (
            "http://kcna.kp/en/article/q/4a8b2c.kcmsf",
            "Kim Jong Un Inspects Munitions Factory",
            datetime(2024, 7, 13, 15, 0, tzinfo=UTC),  # midnight in Pyongyang (UTC+9)
        ),
        (
            "http://kcna.kp/en/article/q/9f00e1.kcmsf",
            "Kim Yo Jong's Press Statement",
            datetime(2024, 10, 28, 15, 0, tzinfo=UTC),
        ),
    ]


def test_kcna_listing_next_page_link_goes_to_next_urls():
    result = parse_listing(kcna_listing(KCNA_ITEMS), url=KCNA_URL, rules=KCNA_RULES)
    assert result.next_urls == [KCNA_URL + "?page=2"]
    assert result.title == "KCNA Watch | Articles"


def test_next_link_pointing_at_the_same_page_is_not_followed():
    html = kcna_listing(KCNA_ITEMS, next_href=KCNA_URL + "#")
    assert parse_listing(html, url=KCNA_URL, rules=KCNA_RULES).next_urls == []


RODONG_URL = "http://www.rodong.rep.kp/en/index.php?strPageID=SF01_01_02&iMenuID=1"
RODONG_HTML = """<html><body><table class="ListNewsLineContainer">
<tr><td class="ListNewsLineTitle"><a href="index.php?strPageID=SF01_02_01&amp;newsID=2022-02-11-0001">
Respected Comrade Kim Jong Un Sends Greetings</a></td><td class="ListNewsLineDate">Feb. 11, Juche 111 (2022) Friday</td></tr>
<tr><td class="ListNewsLineTitle"><a href="index.php?strPageID=SF01_02_01&newsID=2022-02-11-0002&utm_source=x">
Second Article</a></td><td class="ListNewsLineDate">2022-02-11</td></tr>
</table></body></html>"""
RODONG_RULES = {
    "item": "table.ListNewsLineContainer tr",
    "link": "td.ListNewsLineTitle a",
    "date": "td.ListNewsLineDate",
}


def test_rodong_listing_keeps_the_article_query_intact():
    result = parse_listing(RODONG_HTML, url=RODONG_URL, rules=RODONG_RULES, timezone="Asia/Pyongyang")
    assert [c.url for c in result.candidates] == [
        "http://www.rodong.rep.kp/en/index.php?strPageID=SF01_02_01&newsID=2022-02-11-0001",
        "http://www.rodong.rep.kp/en/index.php?strPageID=SF01_02_01&newsID=2022-02-11-0002",
    ]
    assert result.candidates[0].title == "Respected Comrade Kim Jong Un Sends Greetings"
    assert result.candidates[0].published == datetime(2022, 2, 10, 15, 0, tzinfo=UTC)
    assert result.candidates[1].published == datetime(2022, 2, 10, 15, 0, tzinfo=UTC)


def test_changed_layout_reports_that_the_rules_matched_nothing():
    redesign = """<html><body><div class="news-list"><div class="news-item">
    <a href="/en/article/detail/6c1f0a">New layout article</a><em>2026-02-25</em></div></div></body></html>"""
    result = parse_listing(redesign, url="http://kcna.kp/en/article/list/abc", rules=KCNA_RULES)
    assert result.error == f"{RULES_BROKEN} (item selector 'ul.article-link li a'): has the layout changed?"
    assert result.candidates == []


def test_links_that_no_longer_match_the_url_pattern_count_as_rules_broken():
    items = [("/en/article/detail/6c1f0a", "Redesigned URL", "[2026.02.25.]")]
    result = parse_listing(kcna_listing(items), url=KCNA_URL, rules=KCNA_RULES)
    assert result.error and result.error.startswith(RULES_BROKEN) and "url_pattern" in result.error


def test_items_without_the_link_selector_count_as_rules_broken():
    result = parse_listing(RODONG_HTML, url=RODONG_URL, rules={**RODONG_RULES, "link": "td.Headline a"})
    assert result.error and result.error.startswith(RULES_BROKEN) and "td.Headline a" in result.error


def test_empty_page_is_not_mistaken_for_a_redesign():
    for html in ["", "   \n"]:
        result = parse_listing(html, url=KCNA_URL, rules=KCNA_RULES)
        assert result.error == "listing page is empty"


def test_title_selector_and_korean_dates_are_used_when_given():
    html = """<div class="list"><div class="row"><a href="/ko/1"><span class="t">김정은동지께서 현지지도</span>
    <span class="d">2026년 2월 25일</span></a></div></div>"""
    rules = {"item": "div.list div.row", "title": "span.t", "date": "span.d"}
    (candidate,) = parse_listing(
        html, url="http://e.kp/ko/list", rules=rules, timezone="Asia/Pyongyang"
    ).candidates
    assert candidate.title == "김정은동지께서 현지지도"
    assert candidate.published == datetime(2026, 2, 24, 15, 0, tzinfo=UTC)


def test_an_article_linked_by_image_then_title_keeps_the_title():
    html = """<ul><li><a href="/a/1"><img src="t.jpg"></a></li><li><a href="/a/1">Headline</a></li>
    <li><a href="/a/1">Later duplicate</a></li></ul>"""
    result = parse_listing(html, url="http://e.com/list", rules={"item": "ul li"})
    assert [(c.url, c.title) for c in result.candidates] == [("http://e.com/a/1", "Headline")]


GENERIC_PAGE = """<!doctype html><html><head><link rel="next" href="/list/2"></head><body>
<header><a href="/about">About</a></header><nav><a href="/politics">Politics</a></nav>
<div role="navigation"><a href="/economy">Economy</a></div>
<main><a href="/">Home</a><a href="/list/1">This page</a>
<ul class="news"><li><a href="/a/1">Story one</a></li><li><a href="http://e.com/a/2?id=2">Story two</a></li></ul>
<a href="http://elsewhere.example/x">Partner</a><a href="mailto:news@e.com">Write</a></main>
<aside><a href="/most-read">Most read</a></aside><footer><a href="/contact">Contact</a></footer></body></html>"""


def test_without_rules_same_site_links_outside_navigation_are_candidates():
    result = parse_listing(GENERIC_PAGE, url="http://e.com/list/1", rules={})
    assert [(c.url, c.title) for c in result.candidates] == [
        ("http://e.com/a/1", "Story one"),
        ("http://e.com/a/2?id=2", "Story two"),
    ]
    assert result.next_urls == ["http://e.com/list/2"]
    assert result.error is None


def test_without_rules_a_url_pattern_still_narrows_the_links():
    result = parse_listing(GENERIC_PAGE, url="http://e.com/list/1", rules={"url_pattern": r"\?id=\d+$"})
    assert [c.url for c in result.candidates] == ["http://e.com/a/2?id=2"]
    broken = parse_listing(GENERIC_PAGE, url="http://e.com/list/1", rules={"url_pattern": "/article/"})
    assert broken.error and broken.error.startswith(RULES_BROKEN) and "url_pattern" in broken.error


def test_without_rules_a_page_of_only_navigation_counts_as_rules_broken():
    html = "<html><body><nav><a href='/a'>A</a></nav><p><a href='/'>Home</a></p></body></html>"
    result = parse_listing(html, url="http://e.com/list", rules={})
    assert (
        result.error
        == f"{RULES_BROKEN} (no rules, and no same-site links outside navigation): has the layout changed?"
    )


def test_links_resolve_against_the_pages_base_element():
    html = '<html><head><base href="http://cdn.e.com/en/"></head><body><ul><li><a href="a/1">One</a></li></ul></body></html>'
    result = parse_listing(html, url="http://e.com/list", rules={"item": "ul li"})
    assert [c.url for c in result.candidates] == ["http://cdn.e.com/en/a/1"]


def test_bad_rules_give_a_clear_error_not_a_crash():
    html = kcna_listing(KCNA_ITEMS)
    assert (
        parse_listing(html, url=KCNA_URL, rules={"item": ["li"]}).error
        == "listing rule 'item' must be a string"
    )
    assert parse_listing(html, url=KCNA_URL, rules="li").error == "listing rules must be a table of selectors"
    assert (
        "invalid url_pattern"
        in parse_listing(html, url=KCNA_URL, rules={"item": "li", "url_pattern": "("}).error
    )
    assert "invalid selector" in parse_listing(html, url=KCNA_URL, rules={"item": "ul[[["}).error


def test_malformed_markup_still_gives_the_links():
    html = "<ul class='article-link'><li><a href='/en/article/q/ab.kcmsf'>Unclosed <b>title<li><a href=/en/article/q/cd.kcmsf>Two"
    result = parse_listing(html, url=KCNA_URL, rules={"item": "ul.article-link li"})
    assert [c.url for c in result.candidates] == [
        "http://kcna.kp/en/article/q/ab.kcmsf",
        "http://kcna.kp/en/article/q/cd.kcmsf",
    ]


def test_listing_served_over_http_is_parsed_with_the_response_url(site):
    site.routes["/en/category/articles/q/list.kcmsf"] = Page(kcna_listing(KCNA_ITEMS[:2]))
    response = httpx.get(site.url("/en/category/articles/q/list.kcmsf"))
    result = parse_listing(response.text, url=str(response.url), rules=KCNA_RULES)
    assert [c.url for c in result.candidates] == [site.url(href) for href, _, _ in KCNA_ITEMS[:2]]
    assert result.next_urls == [site.url("/en/category/articles/q/list.kcmsf?page=2")]


def test_dprk_pack_listing_layouts_read_the_documented_pages():
    """The rules the dprk pack ships are ones parse_listing understands, and they read these layouts."""
    pack = Path(wirewatch.__file__).parent / "sources" / "packs" / "dprk.toml"
    layouts = tomllib.loads(pack.read_text(encoding="utf-8"))["layouts"]
    kcna = parse_listing(kcna_listing(KCNA_ITEMS), url=KCNA_URL, rules=layouts["kcna-2021"]["listing"])
    assert [c.title for c in kcna.candidates] == [KCNA_ITEMS[0][1], KCNA_ITEMS[1][1]]
    rodong = parse_listing(RODONG_HTML, url=RODONG_URL, rules=layouts["rodong-2022"]["listing"])
    assert [c.url.rsplit("=", 1)[1] for c in rodong.candidates] == ["2022-02-11-0001", "2022-02-11-0002"]
    for name, layout in layouts.items():
        result = parse_listing(
            "<html><body><p>nothing</p></body></html>", url=KCNA_URL, rules=layout["listing"]
        )
        assert result.error and result.error.startswith(RULES_BROKEN), name
