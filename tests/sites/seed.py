"""The seed page (../shared/seed/article-page.html) served back as the Naenara (En) source it was captured from.

The capture shows one article and the rail of the source's 20 latest items (a lead used as headline, a date).
We serve each as an article page without a headline, on a listing page that gives their dates, as Naenara does.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from tests.sites.server import LocalSite, Page

# The capture does not date the main article; its text marks the 3rd anniversary of a May 2018 visit.
MAIN_ARTICLE_DATE = "May 8, 2021"


@dataclass
class SeedItem:
    path: str
    lead: str
    date_text: str


@dataclass
class Seed:
    paragraphs: list[str]
    rail: list[SeedItem]


def read_seed(shared: Path) -> Seed:
    tree = LexborHTMLParser((shared / "seed" / "article-page.html").read_text(encoding="utf-8"))
    paragraphs = [p.text(strip=True) for p in tree.css(".article-body p")]
    rail = [
        SeedItem(
            li.css_first("a.item-title").attributes["href"],
            li.css_first("a.item-title").text(strip=True),
            li.css_first(".item-date").text(strip=True),
        )
        for li in tree.css(".more-from li.item")
    ]
    return Seed(paragraphs, rail)


def untitled_page(paragraphs: list[str]) -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Naenara</title></head><body>"
        "<header class='site-header'><a href='/en/'>Naenara</a></header>"
        f"<main><article class='article'><div class='article-body'>{body}</div></article></main></body></html>"
    )


def listing_page(items: list[tuple[str, str, str]]) -> str:
    rows = "".join(
        f"<li class='item'><a class='item-title' href='{path}'>{escape(lead)}</a>"
        f"<span class='item-date'>{escape(date)}</span></li>"
        for path, lead, date in items
    )
    return f"<!doctype html><html><body><ul class='news'>{rows}</ul></body></html>"


LISTING_RULES = {"item": "ul.news li.item", "link": "a.item-title", "date": ".item-date"}
ARTICLE_RULES = {"body": ".article-body p"}


def serve_seed(site: LocalSite, seed: Seed, older: list[tuple[str, list[str], str]]) -> str:
    """Serve the rail items, then the main article, then ``older`` (path, paragraphs, date); return the listing URL."""
    items = [(item.path, item.lead, item.date_text) for item in seed.rail]
    for item in seed.rail:
        site.routes[item.path] = Page(untitled_page([item.lead]))
    items.append(("/en/article/40001", seed.paragraphs[0], MAIN_ARTICLE_DATE))
    site.routes["/en/article/40001"] = Page(untitled_page(seed.paragraphs))
    for path, paragraphs, date_text in older:
        items.append((path, paragraphs[0], date_text))
        site.routes[path] = Page(untitled_page(paragraphs))
    site.routes["/en/news"] = Page(listing_page(items))
    return site.url("/en/news")
