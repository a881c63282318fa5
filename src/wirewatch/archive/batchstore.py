"""The WARC importer's store: the rows ``store._store`` writes for each page, written for many pages at once.

Page by page, ``_store`` cost about 17 ORM statements (query compilation dominated its ~4 ms per article) and one
``versions_stored`` send of one item. ``BatchStore`` collects a *segment* of pages and writes it with about one
statement per table: fetches, blobs, articles, versions, the articles' denormalised fields, one counter UPDATE per
source, re-check rows; then it tells the receivers once (``signals.send_stored``). What it leaves is what
``_store`` page after page leaves (tests/archive/test_import_batches.py compares the two):

- every table's rows are inserted in storing order, segment after segment, so ids come out the same;
- an edit (a page of an article stored before: in the database, or earlier in the batch) flushes the segment
  before it. So a segment never holds an article twice (``versions_stored``'s promise), and the edit's
  ChangeEvent, created on its own for its post_save receiver (alerts/apps.py queues it), comes after the
  receivers of the pages stored before it and before its own, as page by page. Edits are rare in an import;
- blobs: ``Version.save`` would intern them (``Blob.intern``); here one SELECT finds the known digests and one
  INSERT ... ON CONFLICT DO NOTHING adds the others, for Blob.intern's reason: on PostgreSQL a concurrent
  writer's same new text makes ours wait for its commit and reuse its row instead of failing the batch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import F

from wirewatch.archive import derived
from wirewatch.archive.blobdata import Packed
from wirewatch.archive.models import Article, Blob, ChangeEvent, RecheckState, Version
from wirewatch.archive.signals import StoredVersion, send_stored
from wirewatch.archive.store import _article_dates, _version_fields, advance_article, first_recheck_in
from wirewatch.extraction import Extracted
from wirewatch.fetching.records import Attempt, record_attempts
from wirewatch.sources.models import Source

# The fields _append_version's article.save() changes on an article that already has a row.
_DENORMALISED = ("current_version", "version_count", "title", "title_is_lead", "language", "last_seen",
                 "published", "published_is_estimate", "published_from")  # fmt: skip


@dataclass(frozen=True)
class _Item:
    source: Source
    article: Article
    version: Version
    created: bool
    attempt: Attempt
    blobs: tuple[tuple[Packed, str], tuple[Packed, str]]  # (packed, text) of the text and of the HTML
    derived: Mapping[str, Any]  # for the receivers (derived.py)


class BatchStore:
    """Pages in (``add``), rows out (``flush``); call inside the batch's transaction and flush before it ends."""

    def __init__(self) -> None:
        self.items: list[_Item] = []

    def add(
        self,
        source: Source,
        article: Article | None,
        url: str,
        extracted: Extracted,
        digest: str,
        packed: tuple[Packed, Packed],
        attempt: Attempt,
        found: Mapping[str, Any] = derived.NONE,
    ) -> Article:
        """Queue ``extracted`` as the next version of ``article`` (None: a new article at ``url``); return the
        article, its fields already those it will have (its id once flushed). ``found``: values derived ahead
        from its title and text, passed on to the receivers."""
        seen_at, created = attempt.at, article is None
        if article is None:
            article = Article(
                source=source, url=url, first_seen=seen_at, **_article_dates(extracted, seen_at)
            )
        else:
            self.flush()  # an edit starts a segment: see the module docstring
        fields = {k: v for k, v in _version_fields(extracted).items() if k not in ("text", "html")}
        version = Version(article=article, number=article.version_count + 1, fetched_at=seen_at,
                          content_hash=digest, **fields)  # fmt: skip
        advance_article(article, version.number, extracted, seen_at)
        blobs = ((packed[0], extracted.text), (packed[1], extracted.html))
        self.items.append(_Item(source, article, version, created, attempt, blobs, found))
        return article

    def flush(self) -> None:
        """Write the pending pages' rows, then send their receivers (inside the caller's transaction)."""
        items, self.items = self.items, []
        if not items:
            return
        for item, fetch_id in zip(items, record_attempts([i.attempt for i in items]), strict=True):
            item.version.fetch_id = fetch_id
        _intern_blobs(items)
        Article.objects.bulk_create([i.article for i in items if i.created])
        Version.objects.bulk_create([i.version for i in items])
        for item in items:
            item.article.current_version = item.version
        _update_articles([i.article for i in items])
        _count_new_articles(items)
        RecheckState.objects.bulk_create(
            RecheckState(article=i.article, next_check_at=_first_check(i.source, i.attempt.at))
            for i in items
            if i.created
        )
        for item in items:
            if not item.created and item.version.number > 1:  # only ever the segment's first item
                ChangeEvent.objects.create(kind=ChangeEvent.Kind.EDITED, at=item.attempt.at, source=item.source,
                                           article=item.article, version=item.version)  # fmt: skip
        send_stored([StoredVersion(i.article, i.version, i.created, i.derived) for i in items])


def _first_check(source: Source, seen_at: datetime) -> datetime:
    return seen_at + timedelta(seconds=first_recheck_in(source))


def _intern_blobs(items: list[_Item]) -> None:
    """Point each version at its text and HTML blobs, inserting the new ones (see the module docstring)."""
    wanted: dict[str, Blob] = {}
    for item in items:
        for name, (packed, text) in zip(("text_blob", "html_blob"), item.blobs, strict=True):
            blob = wanted.get(packed.digest)
            if blob is None:
                blob = wanted[packed.digest] = Blob(digest=packed.digest, size=packed.size, data=packed.data)
                blob.__dict__["text"] = text  # cached, as Blob.intern does: receivers read version.text
            setattr(item.version, name, blob)
    known = set(Blob.objects.filter(pk__in=list(wanted)).values_list("pk", flat=True))
    Blob.objects.bulk_create(
        [blob for digest, blob in wanted.items() if digest not in known], ignore_conflicts=True
    )


def _update_articles(articles: list[Article]) -> None:
    """One executemany of the articles' denormalised fields, values prepared as the ORM prepares them (datetimes:
    naive UTC text on SQLite). New articles were inserted with them already; they lacked ``current_version``."""
    meta, quote = Article._meta, connection.ops.quote_name
    fields = [meta.get_field(name) for name in _DENORMALISED]
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
    rows = [
        [field.get_db_prep_save(getattr(article, field.attname), connection) for field in fields]
        + [article.pk]
        for article in articles
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _count_new_articles(items: list[_Item]) -> None:
    new = Counter(item.source.pk for item in items if item.created)
    for source_id in sorted(new):  # one order for every writer: no lock-order deadlock on PostgreSQL
        Source.objects.filter(pk=source_id).update(article_count=F("article_count") + new[source_id])
