"""The fictional demo outlets and their editions: what each serves, and the rules that read it.

Three outlets with three different page layouts, so that the demo exercises three rule sets:
``agency`` (headlines, feeds, KCNA-like "[Juche115.11.27.]" list dates, one EUC-KR edition),
``portal`` (Naenara-like: article pages without any headline, paged listings, a sitemap, an Arabic edition)
and ``radio`` (a table listing, RSS and JSON Feed, Korean Juche dates).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Edition:
    outlet: str
    layout: str  # agency | portal | radio: which markup pages.py writes
    code: str  # what the outlet calls the edition: En, Ko...
    language: str
    prefix: str  # URL path prefix: /en
    date_style: str  # see content.date_label
    titled: bool = True
    encoding: str = "utf-8"  # the charset declared; bytes for euc-kr are written with cp949 (a superset)
    feed: str = ""  # rss | atom | json | ""
    sitemap: bool = False
    direction: str = "ltr"

    @property
    def key(self) -> str:
        return f"{self.outlet}/{self.code}"

    @property
    def listing_path(self) -> str:
        return self.prefix + LAYOUTS[self.layout].listing

    def page_path(self, page: int) -> str:
        return self.listing_path if page <= 1 else f"{self.listing_path}?page={page}"

    def article_path(self, number: int, ymd: str) -> str:
        return self.prefix + LAYOUTS[self.layout].article.format(n=number, ymd=ymd)

    def article_number(self, path: str) -> int | None:
        """The article number in a request path of this edition, or None when it is not an article path."""
        match = re.fullmatch(re.escape(self.prefix) + LAYOUTS[self.layout].article_regex, path)
        return int(match["n"]) if match else None

    @property
    def feed_path(self) -> str:
        return self.prefix + {"rss": "/rss.xml", "atom": "/atom.xml", "json": "/feed.json"}.get(self.feed, "")

    @property
    def sitemap_path(self) -> str:
        return self.prefix + "/sitemap.xml"


@dataclass(frozen=True)
class Layout:
    listing: str  # path after the edition prefix
    article: str  # path after the prefix, formatted with n (article number) and ymd (2026/11/27)
    article_regex: str  # matches that path, with a group ``n``
    rules: dict = field(default_factory=dict)


LAYOUTS = {
    "agency": Layout(
        listing="/news",
        article="/article/{n:05d}.html",
        article_regex=r"/article/(?P<n>\d{5})\.html",
        rules={
            "listing": {
                "item": "ul.news-list li.news-item",
                "link": "a.headline",
                "title": "a.headline",
                "date": "span.date",
                "next": "a.next",
                "url_pattern": r"/article/\d{5}\.html$",
            },
            "article": {
                "title": "h1.headline",
                "body": "div.article-body p",
                "date": "p.date",
                "byline": "p.byline",
                "remove": [".share"],
            },
        },
    ),
    "portal": Layout(
        listing="/list",
        article="/view.php?id={n}",
        article_regex=r"/view\.php\?id=(?P<n>\d+)",
        rules={
            # No title selector in listings: items show the article's lead, as Naenara's do.
            "listing": {
                "item": "div.stream div.entry",
                "link": "a.entry-link",
                "date": "div.entry-date",
                "next": "nav.pager a[rel=next]",
                "url_pattern": r"/view\.php\?id=\d+$",
            },
            # Titled editions have h2.title; title-less pages have nothing for it to match.
            "article": {
                "title": "h2.title",
                "body": "div.text-area p",
                "date": "div.article-date",
                "remove": [".print-tools"],
            },
        },
    ),
    "radio": Layout(
        listing="/latest",
        article="/news/{ymd}/{n}",
        article_regex=r"/news/\d{4}/\d{2}/\d{2}/(?P<n>\d+)",
        rules={
            "listing": {
                "item": "table.programme tr.story",
                "link": "td.t a",
                "title": "td.t a",
                "date": "td.d",
                "next": "a.more",
                "url_pattern": r"/news/\d{4}/\d{2}/\d{2}/\d+$",
            },
            "article": {
                "title": "header h1",
                "body": "section.story p",
                "date": "header time",
                "byline": "span.reporter",
                "remove": ["p.listen"],
            },
        },
    ),
}

EDITIONS = (
    Edition("Demo Central News", "agency", "En", "en", "/en", "bracket", feed="rss"),
    Edition("Demo Central News", "agency", "Ko", "ko", "/kp", "ko", encoding="euc-kr"),
    Edition("Demo Central News", "agency", "Zh", "zh", "/cn", "zh", feed="atom"),
    Edition("Demo Horizon Portal", "portal", "En", "en", "/en", "long", titled=False),
    Edition("Demo Horizon Portal", "portal", "Ar", "ar", "/ar", "ar", sitemap=True, direction="rtl"),
    Edition("Demo Voice Radio", "radio", "En", "en", "/en", "long", feed="json"),
    Edition("Demo Voice Radio", "radio", "Ko", "ko", "/ko", "ko", feed="rss"),
)


def outlets() -> dict[str, list[Edition]]:
    """Editions grouped by outlet, in a stable order: one server per outlet."""
    grouped: dict[str, list[Edition]] = {}
    for edition in EDITIONS:
        grouped.setdefault(edition.outlet, []).append(edition)
    return grouped
