"""A hostile archive, made the way production makes one: local sources serve the XSS vectors and feedparser's
sanitising cases in headlines, bylines, bodies, feed titles and source names; the real watcher ingests them; a
second version is stored for the diffs; an entity with a hostile name is mentioned."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from pathlib import Path

import feedparser

from tests.hostile.content.vectors import VECTORS
from tests.sites.server import Page
from wirewatch.archive.models import Article
from wirewatch.archive.store import store_extracted
from wirewatch.entities.models import Alias, Entity
from wirewatch.extraction import extract_article
from wirewatch.sources.models import Source
from wirewatch.sources.services import add_source
from wirewatch.watch.loop import run_once

RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}
EVIL_NAME = '<script>alert("source")</script>Evil <img src=x onerror=alert(1)> "Outlet"'
EVIL_EDITION = 'E"><svg onload=x>'  # fits the 20 characters an edition code may have
ENTITY_NAME = "<img src=x onerror=alert('entity')> Evil Entity"
FILLER = "Pyongyang, March 1 (KCNA) -- Evil Entity was mentioned in this ordinary paragraph of the report. "


@dataclass
class HostileArchive:
    sources: list[Source]
    articles: list[Article]
    entity: Entity
    feedparser_cases: int


def sanitize_cases(shared_dir: Path) -> list[str]:
    """The hostile HTML of feedparser's sanitising cases: each entry's content, read without its sanitiser."""
    found = []
    for path in sorted((shared_dir / "data/feeds/wellformed/sanitize").glob("*.xml")):
        parsed = feedparser.parse(path.read_bytes(), sanitize_html=False)
        entry = parsed.entries[0]
        found.append(entry.get("content", [{}])[0].get("value") or entry.get("summary", ""))
    return found


def vector_page(number: int, vector: str) -> str:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{vector}</title></head><body>"
        f"<h1 class='headline'>Story {number} {vector}</h1><p class='author'>{vector} reporter</p>"
        f"<div class='story'><p>{FILLER * 3}</p>{vector}<p>{FILLER} {vector} more text.</p></div></body></html>"
    )


def generic_page(number: int, content: str) -> str:
    return (
        f"<!doctype html><html><head><title>Sanitise case {number}</title></head><body><article>"
        f"<h1>Sanitise case {number}</h1><p>{FILLER * 3}</p>{content}<p>{FILLER * 2}</p></article></body></html>"
    )


def _feed(site, slug: str, items: list[tuple[str, str]]) -> str:
    when = "Sat, 01 Mar 2025 09:00:00 GMT"
    body = "".join(
        f"<item><title>{escape(title)}</title><link>{site.url(path)}</link><pubDate>{when}</pubDate></item>"
        for path, title in items
    )
    site.routes[f"/{slug}.xml"] = Page(f"<?xml version='1.0'?><rss version='2.0'><channel><title>"
                                       f"{escape(EVIL_NAME)}</title>{body}</channel></rss>", headers=RSS)  # fmt: skip
    return site.url(f"/{slug}.xml")


def serve_and_ingest(site, client, shared_dir: Path) -> HostileArchive:
    entity = Entity.objects.create(slug="evil-entity", name=ENTITY_NAME, kind=Entity.Kind.PERSON,
                                   description=VECTORS[12], track_appearances=True)  # fmt: skip
    Alias.objects.create(entity=entity, text="Evil Entity", language="en")
    items = []
    for number, vector in enumerate(VECTORS):
        site.routes[f"/v/{number}"] = Page(vector_page(number, vector))
        items.append((f"/v/{number}", vector))
    rules = {"article": {"title": "h1.headline", "body": "div.story", "byline": ".author"}}
    evil = add_source(EVIL_NAME, EVIL_EDITION, "en", slug="evil", feeds=[_feed(site, "evil", items)],
                      rules=rules, delay=0, home=site.url("/"))  # fmt: skip
    cases = sanitize_cases(shared_dir)
    for number, content in enumerate(cases):
        site.routes[f"/g/{number}"] = Page(generic_page(number, content))
    generic = add_source("Generic", "En", "en", slug="generic", delay=0,
                         feeds=[_feed(site, "generic", [(f"/g/{n}", c) for n, c in enumerate(cases)])])  # fmt: skip
    run_once(client=client)
    _second_versions(evil)
    articles = list(Article.objects.filter(source__in=[evil, generic]).order_by("pk"))
    return HostileArchive([evil, generic], articles, entity, len(cases))


def _second_versions(source: Source) -> None:
    """Every fourth vector's article edited at the source, the edit adding the next four vectors: the history
    page and the diff API show every vector inside a diff (each store runs all receivers: hence not all 55)."""
    for article in Article.objects.filter(source=source):
        number = int(article.url.rsplit("/", 1)[1])
        if number % 4:
            continue
        added = " ".join(VECTORS[number : number + 4])
        edited = vector_page(number, VECTORS[number]).replace("more text.", f"edited {added} text.")
        extracted = extract_article(edited, article.url, language="en", rules=source.rules["article"])
        store_extracted(source, article.url, extracted, fetched_at=datetime(2025, 3, 2, tzinfo=UTC))
