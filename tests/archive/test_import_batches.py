"""The WARC importer stores in batches (one transaction each); what it leaves must be what storing the same
pages one by one through ``store_extracted`` leaves: articles, versions, search index rows, entity rows,
near-duplicate groups, re-check schedules, change events and alert queue rows."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.db import transaction
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.factories import make_source
from tests.sites.news import ARTICLE_RULES, Story
from wirewatch.alerts.models import QueueItem
from wirewatch.archive.models import Article, ChangeEvent, RecheckState, Version
from wirewatch.archive.store import extracted_hash, live_article, store_extracted
from wirewatch.archive.warcimport import SourceMap, import_warcs
from wirewatch.archive.warcread import read_warc
from wirewatch.dedupe.models import Band, Signature
from wirewatch.discovery.urls import canonicalize_url
from wirewatch.entities.models import Appearance, Mention, TextDate
from wirewatch.extraction import extract_article
from wirewatch.fetching.decoding import decode_body
from wirewatch.search.backend import get_backend
from wirewatch.search.service import search
from wirewatch.sources.models import Source

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
A, B = "http://a.example/news/", "http://b.example/"
TOPICS = [
    "rice harvest",
    "steel output",
    "school opening",
    "railway bridge",
    "fishing fleet",
    "orchard",
    "dam",
]


def paragraphs(n: int, edition: int = 1) -> list[str]:
    topic = TOPICS[n % len(TOPICS)]
    return [
        f"Pyongyang, March {n + 1} (KCNA) -- Kim Jong Un inspected the {topic} in South Phyongan Province "
        f"on March {n + 1}, edition {edition}, and spoke with workers number {n} about the plan.",
        f"The {topic} number {n} met its yearly target {n + 3} days early, said officials of ministry {n} "
        f"who praised the brigade members {n * 7} and their families for the {topic} achievements.",
        f"Ri Pyong Chol and cadres of county {n} accompanied him on the visit to the {topic} site {n}.",
    ]


def pages() -> list[tuple[str, Story]]:
    """Source A's stories, B's reprints of some (near-duplicates), edits, a repeat and an unknown host."""
    story = {n: Story(f"/s/{n}", f"Report {n}", paragraphs(n), f"2026-03-0{n % 9 + 1}") for n in range(8)}
    edited = {
        n: Story(f"/s/{n}", f"Report {n} (updated)", paragraphs(n, 2), story[n].date_text) for n in (2, 6)
    }
    reprint = {
        n: Story(
            f"/r/{n}",
            f"Reprint {n}",
            ["Moscow, March 5 /TASS/ - " + paragraphs(n)[0].split("-- ")[1], *paragraphs(n)[1:]],
        )  # fmt: skip
        for n in (1, 2, 4)
    }
    order = [(A, story[0]), (A, story[1]), (B, reprint[1]), (A, story[2]), (A, edited[2]), (A, story[3]),
             (A, story[4]), ("http://unknown.example/", story[5]), (B, reprint[4]), (A, story[5]),
             (A, story[6]), (B, reprint[2]), (A, story[5]), (A, story[7]), (A, edited[6])]  # fmt: skip
    return [(base.rstrip("/") + s.path, s) for base, s in order]


def write_warc(path: Path) -> Path:
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for n, (url, story) in enumerate(pages()):
            body = story.html().encode()
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], "HTTP/1.1")
            date = (T0 + timedelta(minutes=n)).strftime("%Y-%m-%dT%H:%M:%SZ")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body),
                                               http_headers=http, warc_headers_dict={"WARC-Date": date})  # fmt: skip
            writer.write_record(record)
    return path


def sources() -> None:
    make_source("a", "A", home=A, rules={"article": ARTICLE_RULES})
    make_source("b", "B", home=B, rules={"article": ARTICLE_RULES})


def one_by_one(path: Path) -> None:
    """The same pages through the live store path, one transaction each (the importer's rule kept: a page equal
    to any stored version of its article adds nothing)."""
    known = SourceMap(Source.objects.all())
    for record in read_warc(path):
        url = canonicalize_url(record.url)
        source = known.find(url)
        if source is None:
            continue
        text = decode_body(record.body, record.header("content-type"))
        extracted = extract_article(text, url, language=source.language, timezone=source.timezone,
                                    rules=source.rules.get("article"))  # fmt: skip
        article = live_article(source, url)
        if (
            article
            and Version.objects.filter(article=article, content_hash=extracted_hash(extracted)).exists()
        ):
            continue
        store_extracted(source, url, extracted, fetched_at=record.date)


def snapshot() -> dict:
    """Everything the store and its receivers wrote, keyed by URLs rather than ids."""
    url = dict(Article.objects.values_list("pk", "url"))
    number = {v.pk: (url[v.article_id], v.number) for v in Version.objects.all()}
    index = get_backend()
    return {
        "articles": sorted(Article.objects.values_list("source__slug", "url", "title", "version_count", "published",
                                                       "published_is_estimate", "first_seen", "last_seen")),
        "versions": sorted((*number[v.pk], v.content_hash, v.title, v.text, v.fetched_at)
                           for v in Version.objects.all()),
        "sources": sorted(Source.objects.values_list("slug", "article_count")),
        "rechecks": sorted((url[a], at) for a, at in RecheckState.objects.values_list("article_id", "next_check_at")),
        "changes": [(kind, url[a], number[v]) for kind, a, v in ChangeEvent.objects.order_by("pk")
                    .values_list("kind", "article_id", "version_id")],
        "queue": [url[a] for a in QueueItem.objects.order_by("pk").values_list("article_id", flat=True)],
        "search": {q: sorted(url[a.pk] for a in search({"q": q, "limit": "100"}).items)
                   for q in ["harvest", "railway", "updated", "edition", "Ri Pyong Chol", "TASS"]},
        "mentions": sorted((*number[m.version_id], m.entity_id, m.count, m.first_offset, m.is_current)
                           for m in Mention.objects.all()),
        "appearances": sorted((*number[m.version_id], m.entity_id, m.kind, m.sentence, m.is_current)
                              for m in Appearance.objects.all()),
        "dates": sorted((*number[d.version_id], d.start, d.end, d.text) for d in TextDate.objects.all()),
        "groups": sorted((url[s.article_id], url[s.group], s.is_first, round(s.similarity, 6))
                         for s in Signature.objects.all()),
        "bands": Band.objects.count(),
        "backend": type(index).__name__,
    }  # fmt: skip


class Rollback(Exception):
    pass


def state_after(store) -> dict:
    """Run ``store`` in a savepoint, take the snapshot, roll it all back (ids start over the same)."""
    taken = {}
    try:
        with transaction.atomic():
            store()
            taken.update(snapshot())
            raise Rollback
    except Rollback:
        pass
    return taken


@pytest.mark.parametrize("batch", [1, 4, 200], ids=["batch-1", "batch-4", "batch-200"])
def test_a_batched_import_leaves_exactly_what_storing_the_pages_one_by_one_leaves(tmp_path, batch):
    sources()
    path = write_warc(tmp_path / "crawl.warc.gz")
    expected = state_after(lambda: one_by_one(path))
    assert len(expected["articles"]) == 11 and len(expected["versions"]) == 13
    assert any(group != article for article, group, _, _ in expected["groups"])  # reprints joined a group
    assert expected["mentions"] and expected["changes"] and expected["search"]["harvest"]
    imported = state_after(lambda: import_warcs([path], workers=0, batch=batch))
    assert imported == expected


def test_a_second_import_of_the_same_file_adds_nothing(tmp_path):
    sources()
    path = write_warc(tmp_path / "crawl.warc.gz")
    first = import_warcs([path], workers=0, batch=4)
    assert (first.new_articles, first.new_versions, first.already_stored, first.unknown_host) == (
        11,
        13,
        1,
        1,
    )
    before = snapshot()
    again = import_warcs([path], workers=0, batch=4)
    assert (again.new_articles, again.new_versions, again.already_stored) == (0, 0, 14)
    assert snapshot() == before


def test_extraction_in_worker_processes_stores_the_same_as_extraction_in_process(tmp_path):
    sources()
    path = write_warc(tmp_path / "crawl.warc.gz")
    inline = state_after(lambda: import_warcs([path], workers=0, batch=4))
    pooled = state_after(lambda: import_warcs([path], workers=2, batch=4))
    assert pooled == inline and len(pooled["articles"]) == 11
