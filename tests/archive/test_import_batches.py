"""The WARC importer stores in batches (one transaction each, rows written in bulk by archive/batchstore.py,
receivers told once per segment through ``versions_stored``); what it leaves must be what storing the same pages
one by one through ``store_extracted`` leaves: every table the store and its receivers write (articles, versions,
blobs, fetches, re-check states, change events, search index rows, signatures and bands, mentions, appearances,
text dates, the alert queue), row for row and in the same id order, with the receivers' batch path and with the
per-item fallback, on an empty archive and on one that already holds some of the pages."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.factories import make_source
from tests.sites.news import ARTICLE_RULES, Story
from wirewatch.alerts.models import QueueItem
from wirewatch.archive.models import Article, Blob, ChangeEvent, RecheckState, Version
from wirewatch.archive.signals import versions_stored
from wirewatch.archive.store import extracted_hash, live_article, store_extracted
from wirewatch.archive.warcimport import SourceMap, import_warcs
from wirewatch.archive.warcread import read_warc
from wirewatch.dedupe.models import Band, Signature
from wirewatch.discovery.urls import canonicalize_url
from wirewatch.entities.models import Appearance, Mention, TextDate
from wirewatch.extraction import extract_article
from wirewatch.fetching.decoding import decode_body
from wirewatch.fetching.models import Fetch
from wirewatch.fetching.records import Attempt, record_attempt
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
    """Source A's stories, B's reprints of some (near-duplicates), edits (two versions of one URL in one batch
    of 200), a repeat, a return to an earlier version and an unknown host."""
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
    order = [
        (A, story[0]),
        (A, story[1]),
        (B, reprint[1]),
        (A, story[2]),
        (A, edited[2]),
        (A, story[3]),
        (A, story[4]),
        ("http://unknown.example/", story[5]),
        (B, reprint[4]),
        (A, story[5]),
        (A, story[6]),
        (B, reprint[2]),
        (A, story[5]),
        (A, story[7]),
        (A, edited[6]),
        (A, story[2]),
    ]  # fmt: skip  (the last: back to a version stored before, adds nothing)
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


def extract(source: Source, url: str, html: str):
    return extract_article(html, url, language=source.language, timezone=source.timezone,
                           rules=source.rules.get("article"))  # fmt: skip


def one_by_one(path: Path) -> None:
    """The same pages through the live store path, one transaction each, each with its Fetch row as the importer
    records it (the importer's rule kept: a page equal to any stored version of its article adds nothing)."""
    known = SourceMap(Source.objects.all())
    for record in read_warc(path):
        url = canonicalize_url(record.url)
        source = known.find(url)
        if source is None:
            continue
        extracted = extract(source, url, decode_body(record.body, record.header("content-type")))
        article = live_article(source, url)
        if (
            article
            and Version.objects.filter(article=article, content_hash=extracted_hash(extracted)).exists()
        ):
            continue
        fetch_id = record_attempt(Attempt(url, "import", source.pk, record.date, final_url=url, status_code=200,
                                          body_bytes=len(record.body)))  # fmt: skip
        store_extracted(source, url, extracted, fetch_id=fetch_id, fetched_at=record.date)


def store_some_first() -> None:
    """An archive that holds story 0 as the WARC has it (the import adds nothing for it), story 7 with another
    text (the WARC's is an edit of an article stored before the import) and story 3 without a date (its import
    replaces the first-seen estimate)."""
    source = Source.objects.get(slug="a")
    earlier = T0 - timedelta(days=1)
    for path, story in [
        ("/s/0", Story("/s/0", "Report 0", paragraphs(0), "2026-03-01")),
        ("/s/7", Story("/s/7", "Report 7 (first)", paragraphs(7, 0), "2026-03-08")),
        ("/s/3", Story("/s/3", "Report 3", paragraphs(3, 0))),
    ]:
        url = A.rstrip("/") + path
        store_extracted(source, url, extract(source, url, story.html()), fetched_at=earlier)


def index_rows(url: dict[int, str]) -> list[tuple]:
    """The search backend's own rows (SQLite FTS5 table or PostgreSQL tsvectors), in id order."""
    if connection.vendor == "postgresql":
        sql = (
            "SELECT article_id, exact::text, folded::text, uni::text FROM search_pgindex ORDER BY article_id"
        )
    else:
        sql = "SELECT rowid, title, body, title_f, body_f, uni FROM search_index ORDER BY rowid"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [(url[row[0]], *row[1:]) for row in cursor.fetchall()]


def snapshot() -> dict:
    """Everything the store and its receivers wrote, keyed by URLs rather than ids (PostgreSQL's sequences do
    not roll back), lists in id order where the order of insertion is part of the result."""
    url = dict(Article.objects.values_list("pk", "url"))
    number = {v.pk: (url[v.article_id], v.number) for v in Version.objects.all()}
    fetch = {f.pk: (f.url, f.at) for f in Fetch.objects.all()}
    change = {c.pk: (c.kind, *number[c.version_id]) for c in ChangeEvent.objects.all()}
    signed = {s.pk: url[s.article_id] for s in Signature.objects.all()}
    return {
        "articles": [(a.source.slug, a.url, a.title, a.title_is_lead, a.language, a.version_count, a.published,
                      a.published_is_estimate, a.published_from, a.first_seen, a.last_seen,
                      number.get(a.current_version_id), a.removed_at, a.superseded_at)
                     for a in Article.objects.select_related("source").order_by("pk")],
        "versions": [(*number[v.pk], v.content_hash, v.title, v.title_is_lead, v.byline, v.text, v.html,
                      v.language, v.published, v.published_from, v.extracted_by, v.fetched_at, v.text_blob_id,
                      v.html_blob_id, fetch.get(v.fetch_id)) for v in Version.objects.order_by("pk")],
        "blobs": sorted((b.digest, b.size, bytes(b.data)) for b in Blob.objects.all()),
        "fetches": list(Fetch.objects.order_by("pk").values_list("url", "final_url", "purpose", "source__slug",
                                                                 "at", "status_code", "error", "body_bytes")),
        "sources": sorted(Source.objects.values_list("slug", "article_count")),
        "rechecks": sorted((url[r.article_id], r.next_check_at, r.checks, r.failures, r.failing_since,
                            r.last_checked_at, r.last_outcome) for r in RecheckState.objects.all()),
        "changes": [(c.kind, url[c.article_id], number[c.version_id], c.at, c.source.slug, c.removal_id)
                    for c in ChangeEvent.objects.select_related("source").order_by("pk")],
        "queue": [(url[q.article_id], change.get(q.change_id)) for q in QueueItem.objects.order_by("pk")],
        "search": {q: sorted(url[a.pk] for a in search({"q": q, "limit": "100"}).items)
                   for q in ["harvest", "railway", "updated", "edition", "Ri Pyong Chol", "TASS"]},
        "index": index_rows(url),
        "mentions": [(*number[m.version_id], m.entity_id, m.count, m.first_offset, m.is_current)
                     for m in Mention.objects.order_by("pk")],
        "appearances": [(*number[m.version_id], m.entity_id, m.kind, m.sentence, m.date_start, m.date_end,
                         m.place_id, m.is_current) for m in Appearance.objects.order_by("pk")],
        "dates": [(*number[d.version_id], d.start, d.end, d.text, d.is_current)
                  for d in TextDate.objects.order_by("pk")],
        "groups": [(url[s.article_id], number[s.version_id], bytes(s.hashvalues), url[s.group], s.is_first,
                    round(s.similarity, 6)) for s in Signature.objects.order_by("pk")],
        "bands": [(signed[b.signature_id], b.band, b.key) for b in Band.objects.order_by("pk")],
        "backend": type(get_backend()).__name__,
    }  # fmt: skip


@contextmanager
def per_item_receivers() -> Iterator[None]:
    """Every batch send re-sent item by item to the apps' receivers, as the watcher sends them: the batch store's
    own rows must not depend on how the receivers are told."""
    saved = versions_stored.receivers
    apps = versions_stored._live_receivers(Article)[0]

    def one_at_a_time(sender, *, stored: list, **kwargs) -> None:
        for item in stored:
            for receiver in apps:
                receiver(sender=sender, signal=versions_stored, stored=[item])

    versions_stored.receivers = []
    versions_stored.sender_receivers_cache.clear()
    versions_stored.connect(one_at_a_time, weak=False)
    try:
        yield
    finally:
        versions_stored.receivers = saved
        versions_stored.sender_receivers_cache.clear()


class Rollback(Exception):
    pass


def state_after(store: Callable[[], object]) -> dict:
    """Run ``store`` in a savepoint, take the snapshot, roll it all back."""
    taken = {}
    try:
        with transaction.atomic():
            store()
            taken.update(snapshot())
            raise Rollback
    except Rollback:
        pass
    return taken


CASES = {  # id: (pages per batch, archive holds some pages first, receivers)
    "batch-1": (1, False, "batch"),
    "batch-4": (4, False, "batch"),
    "batch-200": (200, False, "batch"),
    "batch-200-over-stored": (200, True, "batch"),
    "batch-4-over-stored-per-item": (4, True, "per-item"),
    "batch-200-per-item": (200, False, "per-item"),
}


@pytest.mark.parametrize(("batch", "prior", "receivers"), CASES.values(), ids=CASES.keys())
def test_a_batched_import_leaves_exactly_what_storing_the_pages_one_by_one_leaves(
    tmp_path, batch, prior, receivers
):
    sources()
    path = write_warc(tmp_path / "crawl.warc.gz")
    first = store_some_first if prior else lambda: None
    expected = state_after(lambda: (first(), one_by_one(path)))
    assert len(expected["articles"]) == 11 and len(expected["versions"]) == 13 + 2 * prior
    assert any(
        group != article for article, _, _, group, _, _ in expected["groups"]
    )  # reprints joined a group
    assert (
        expected["mentions"] and expected["changes"] and expected["search"]["harvest"] and expected["bands"]
    )
    assert len(expected["fetches"]) == 13 - prior  # story 0 stored before: its page adds nothing
    with per_item_receivers() if receivers == "per-item" else contextlib.nullcontext():
        imported = state_after(lambda: (first(), import_warcs([path], workers=0, batch=batch)))
    assert imported == expected


def test_every_imported_version_names_its_fetch_and_the_warc_record_holding_its_page(tmp_path):
    sources()
    import_warcs([write_warc(tmp_path / "crawl.warc.gz")], workers=0, batch=4)
    records = {}
    for fetch in Fetch.objects.all():
        if fetch.warc_file not in records:
            records[fetch.warc_file] = {
                r.offset: r for r in read_warc(Path(settings.WARC_DIR) / fetch.warc_file)
            }
        record = records[fetch.warc_file][fetch.warc_offset]
        assert (record.type, record.url, record.record_id) == ("response", fetch.url, fetch.warc_record_id)
    versions = Version.objects.select_related("fetch", "article")
    assert len(versions) == 13 and all(v.fetch.url == v.article.url for v in versions)
    assert Fetch.objects.count() == 13


@pytest.mark.parametrize("workers", [0, 2])
def test_each_imported_page_is_re_recorded_with_its_body_headers_and_capture_date(tmp_path, workers):
    """Our WARC records of an import, with extraction in worker processes or not, say what the source file
    says: same page, status, headers and capture date, and a request record concurrent to each response."""
    sources()
    path = write_warc(tmp_path / "crawl.warc.gz")
    captured = [r for r in read_warc(path) if r.type == "response"]
    import_warcs([path], workers=workers, batch=4)
    files = {fetch.warc_file for fetch in Fetch.objects.all()}
    ours = [r for name in sorted(files) for r in read_warc(Path(settings.WARC_DIR) / name)]
    responses = {r.record_id: r for r in ours if r.type == "response"}
    requests = {r.concurrent_to: r for r in ours if r.type == "request"}
    fetches = list(Fetch.objects.all())
    assert len(fetches) == 13 and len(responses) == 13 and set(requests) == set(responses)  # nothing else
    for fetch in fetches:
        record = responses[fetch.warc_record_id]
        headers = {name.lower(): value for name, value in record.headers}.items()
        assert any(
            (r.url, r.body, r.status, r.date) == (fetch.url, record.body, record.status, record.date)
            and {name.lower(): value for name, value in r.headers}.items() <= headers
            for r in captured
        )
        assert requests[record.record_id].url == fetch.url


def test_a_second_import_of_the_same_file_adds_nothing(tmp_path):
    sources()
    path = write_warc(tmp_path / "crawl.warc.gz")
    first = import_warcs([path], workers=0, batch=4)
    assert (first.new_articles, first.new_versions, first.already_stored, first.unknown_host) == (
        11,
        13,
        2,
        1,
    )
    before = snapshot()
    again = import_warcs([path], workers=0, batch=4)
    assert (again.new_articles, again.new_versions, again.already_stored) == (0, 0, 15)
    assert snapshot() == before


def test_extraction_in_worker_processes_stores_the_same_as_extraction_in_process(tmp_path):
    sources()
    path = write_warc(tmp_path / "crawl.warc.gz")
    inline = state_after(lambda: import_warcs([path], workers=0, batch=4))
    pooled = state_after(lambda: import_warcs([path], workers=2, batch=4))
    assert pooled == inline and len(pooled["articles"]) == 11
