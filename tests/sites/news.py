"""Small news sites for tests: listing pages, article pages, feeds and sitemaps, built from Python values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from html import escape

from tests.sites.server import LocalSite, Page

LISTING_RULES = {"item": "ul.news li", "link": "a", "date": ".date", "next": "a.next"}
ARTICLE_RULES = {"title": "h1.headline", "body": "div.story p", "date": ".dateline-date"}


@dataclass
class Story:
    path: str
    title: str | None
    paragraphs: list[str]
    date_text: str = ""

    def html(self, charset: str = "utf-8", lang: str = "en") -> str:
        head = f"<h1 class='headline'>{escape(self.title)}</h1>" if self.title else ""
        date = f"<p class='dateline-date'>{escape(self.date_text)}</p>" if self.date_text else ""
        body = "".join(f"<p>{escape(p)}</p>" for p in self.paragraphs)
        return (
            f"<!doctype html><html lang='{lang}'><head><meta charset='{charset}'><title>Site</title></head>"
            f"<body><nav><a href='/'>Home</a></nav><main>{head}{date}<div class='story'>{body}</div></main>"
            "<footer>Copyright the site</footer></body></html>"
        )


def listing_html(stories: list[Story], next_path: str | None = None) -> str:
    items = "".join(
        f"<li><a href='{s.path}'>{escape(s.title or s.paragraphs[0][:80])}</a>"
        f" <span class='date'>{escape(s.date_text)}</span></li>"
        for s in stories
    )
    more = f"<a class='next' href='{next_path}'>Next</a>" if next_path else ""
    return f"<!doctype html><html><body><ul class='news'>{items}</ul>{more}</body></html>"


def rss(site: LocalSite, stories: list[tuple[Story, datetime]]) -> str:
    items = "".join(
        f"<item><title>{escape(s.title or '')}</title><link>{site.url(s.path)}</link>"
        f"<pubDate>{format_datetime(when)}</pubDate></item>"
        for s, when in stories
    )
    return f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>T</title>{items}</channel></rss>"


def sitemap(site: LocalSite, paths: list[str]) -> str:
    urls = "".join(f"<url><loc>{site.url(p)}</loc></url>" for p in paths)
    return f"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{urls}</urlset>"


def serve_listing(site: LocalSite, stories: list[Story], per_page: int = 20, prefix: str = "/list") -> str:
    """Serve ``stories`` (newest first) on paged listing pages and their article pages; return page 1's URL."""
    pages = [stories[i : i + per_page] for i in range(0, len(stories), per_page)] or [[]]
    for number, chunk in enumerate(pages, start=1):
        next_path = f"{prefix}/{number + 1}" if number < len(pages) else None
        site.routes[f"{prefix}/{number}"] = Page(listing_html(chunk, next_path))
    for story in stories:
        site.routes[story.path] = Page(story.html())
    return site.url(f"{prefix}/1")
