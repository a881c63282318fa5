"""Article pages that lie about their charset, are malformed, or nest 100,000 tags, reached through the real
watcher path: each is stored readable or refused with a clear message, and nothing is half-written."""

import time
from datetime import UTC, datetime

import pytest
from django.db.models import Count

from tests.sites.news import Story, rss
from tests.sites.server import Page
from wirewatch.archive.models import Article
from wirewatch.sources.models import Source
from wirewatch.sources.services import add_source
from wirewatch.watch.loop import run_once

pytestmark = pytest.mark.django_db(transaction=True)

KOREAN = (
    "조선중앙통신 보도: 평양에서 새 거리가 준공되였다",
    "평양, 3월 1일 (조선중앙통신) -- 새 거리가 준공되였다. ",
)
CP949_ONLY = (
    "똠방각하 뷁 쌰 보도",
    "똠방각하 뷁 쌰. 평양에서 새 거리가 준공되였다. ",
)  # not in EUC-KR proper
JAPANESE = (
    "朝鮮中央通信の報道：平壌で新しい通りが完成",
    "平壌、3月1日（朝鮮中央通信）新しい通りが完成した。",
)


def page(title: str, text: str, meta: str) -> str:
    head = f"<meta charset='{meta}'>" if meta else ""
    return (
        f"<!doctype html><html><head>{head}<title>{title}</title></head><body><main>"
        f"<h1 class='headline'>{title}</h1><div class='story'><p>{text * 4}</p><p>{text * 3}</p></div>"
        "</main></body></html>"
    )


CHARSET_CASES = {
    # path: (title, text, bytes encoding, declared in header, declared in <meta>, language)
    "/euc-kr-as-utf8": (*KOREAN, "euc-kr", "utf-8", "utf-8", "ko"),
    "/cp949-as-utf8": (*CP949_ONLY, "cp949", "utf-8", "utf-8", "ko"),
    "/cp949-labelled-euc-kr": (*CP949_ONLY, "cp949", "euc-kr", "euc-kr", "ko"),
    "/euc-kr-undeclared": (*KOREAN, "euc-kr", "", "", "ko"),
    "/shift-jis-as-utf8": (*JAPANESE, "shift_jis", "utf-8", "utf-8", "ja"),
}

MALFORMED = (
    "<html><head><title>Broken <b>page</title><body><h1 class='headline'>A malformed page</h2><div class='story'>"
    "<p>Pyongyang, March 2 (KCNA) -- The text survives broken markup. <p>Unclosed <i>italics <b>bold"
    "</i></b></table></td>\x00 NUL and \ufffd and </html></html><p>More text after the end of the document."
    " " + "Filler sentence for length. " * 10
)
NESTED = "<html><body>" + "<div>" * 100_000 + "<p>Buried text. " * 20 + "</div>" * 100_000 + "</body></html>"


def serve_pages(site) -> dict[str, str]:
    for path, (title, text, encoding, header, meta, _lang) in CHARSET_CASES.items():
        content_type = f"text/html; charset={header}" if header else "text/html"
        site.routes[path] = Page(
            page(title, text, meta).encode(encoding), headers={"Content-Type": content_type}
        )
    site.routes["/malformed"] = Page(MALFORMED)
    site.routes["/nested"] = Page(NESTED)
    return {path: site.url(path) for path in [*CHARSET_CASES, "/malformed", "/nested"]}


def feed_source(site, slug: str, language: str, paths: list[str]):
    stories = [(Story(path, None, []), datetime(2025, 3, 1, tzinfo=UTC)) for path in paths]
    site.routes[f"/{slug}.xml"] = Page(rss(site, stories), headers={"Content-Type": "application/rss+xml"})
    rules = {"article": {"title": "h1.headline", "body": "div.story p"}}
    return add_source(slug, "Ed", language, slug=slug, feeds=[site.url(f"/{slug}.xml")], delay=0, rules=rules)


def test_mislabelled_charsets_malformed_and_deeply_nested_pages(client, site):
    serve_pages(site)
    korean = [p for p, case in CHARSET_CASES.items() if case[5] == "ko"]
    feed_source(site, "ko", "ko", korean)
    feed_source(site, "ja", "ja", ["/shift-jis-as-utf8"])
    feed_source(site, "en", "en", ["/malformed", "/nested"])
    started = time.monotonic()
    reports = {report.source: report for report in run_once(client=client)}
    assert time.monotonic() - started < 15
    for path, (title, text, *_rest) in CHARSET_CASES.items():
        article = Article.objects.get(url=site.url(path))
        assert article.title == title, path
        assert text.strip().split()[0] in article.current_version.text, path
    malformed = Article.objects.get(url=site.url("/malformed"))
    assert (
        malformed.title == "A malformed page" and "survives broken markup" in malformed.current_version.text
    )
    assert "\x00" not in malformed.current_version.text
    nested = Article.objects.filter(url=site.url("/nested")).first()
    if nested is None:  # refused: then the source says so, clearly
        assert any("/nested" in failure for failure in reports["en"].failed)
        assert "1 article(s) failed" in Source.objects.get(slug="en").status_message
    assert not Article.objects.annotate(n=Count("versions")).filter(n=0).exists()
    assert all(Source.objects.get(slug=slug).status == Source.Status.OK for slug in ("ko", "ja", "en"))
