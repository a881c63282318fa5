"""Matching stored articles against every saved search, in batches, after the storing transaction commits.

Why a batch table: a saved search evaluated over the whole FTS index (``... MATCH ? AND rowid IN (...)``)
costs as much as its full result list — a common word walks every article that ever had it. Instead the
batch's index rows (our own token streams, copied from ``search_index``) go into a small temporary FTS5 table
of the same shape, and each saved search's compiled MATCH runs against that: the cost is per batch, not per
archive. The query is compiled by the search app (parse + compile_query), so alerts match exactly what the
search page would find; field filters (source:, lang:, from:, to:, entity:) then narrow the few hits with the
search app's own ``filtered_articles``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from django.db import connection, transaction
from django.urls import reverse
from django.utils.safestring import SafeString

from wirewatch.alerts.models import Delivery, QueueItem, Subscription
from wirewatch.alerts.outbox import delivery_for
from wirewatch.archive.models import Article, ChangeEvent
from wirewatch.search.backend import filtered_articles, get_backend
from wirewatch.search.compile import Highlights, compile_query
from wirewatch.search.query import Filters, ParsedQuery, QueryError, parse
from wirewatch.search.snippets import snippet

log = logging.getLogger(__name__)
BATCH = 200
_BATCH_TABLE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.alerts_batch USING fts5("
    "title, body, title_f, body_f, uni, tokenize = 'ascii')"
)


@dataclass(frozen=True)
class Compiled:
    parsed: ParsedQuery
    match: str | None
    highlights: Highlights


@lru_cache(maxsize=4096)
def compiled(query: str, dueum: bool) -> Compiled | None:
    """The saved query, parsed and compiled once per process (kiwi analysis of Korean words is not free)."""
    try:
        parsed = parse(query)
        if parsed.tree is None:
            return Compiled(parsed, None, Highlights())
        match, highlights = compile_query(parsed.tree, dueum)
    except QueryError:
        return None
    if match is None and parsed.filters == Filters():
        return None
    return Compiled(parsed, match, highlights)


def _load_batch(article_ids: list[int]) -> None:
    if connection.vendor != "sqlite":  # PostgreSQL: GIN + primary key answer per batch directly (_batch_hits)
        return
    with connection.cursor() as cursor:
        cursor.execute(_BATCH_TABLE)
        cursor.execute("DELETE FROM temp.alerts_batch")
        marks = ", ".join(["%s"] * len(article_ids))
        cursor.execute(
            "INSERT INTO temp.alerts_batch (rowid, title, body, title_f, body_f, uni) "
            f"SELECT rowid, title, body, title_f, body_f, uni FROM search_index WHERE rowid IN ({marks})",
            article_ids,
        )


def _batch_hits(match: str, batch_ids: list[int]) -> list[int]:
    if connection.vendor != "sqlite":
        matched = Article.objects.filter(id__in=batch_ids).filter(id__in=get_backend().matching(match))
        return list(matched.values_list("id", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("SELECT rowid FROM temp.alerts_batch WHERE alerts_batch MATCH %s", [match])
        return [row[0] for row in cursor.fetchall()]


def hits_for(query: Compiled, batch_ids: list[int]) -> list[int]:
    """The ids of ``batch_ids`` (already loaded in the batch table) that the saved query matches."""
    ids = _batch_hits(query.match, batch_ids) if query.match is not None else batch_ids
    if ids and query.parsed.filters != Filters():
        try:
            ids = list(
                filtered_articles(query.parsed.filters).filter(id__in=ids).values_list("id", flat=True)
            )
        except QueryError:  # e.g. entity: while the entities app cannot answer
            return []
    return ids


def article_payload(article: Article, marked: SafeString | str = "") -> dict:
    return {
        "article_id": article.pk,
        "title": article.title,
        "source": article.source.display_name,
        "source_url": article.url,
        "path": reverse("web:article", args=[article.pk]),
        "published": article.published.isoformat(),
        "language": article.language,
        "snippet": str(marked),
    }


def _articles(ids: set[int]) -> dict[int, Article]:
    return Article.objects.select_related("source", "current_version__text_blob").in_bulk(list(ids))


def match_searches(stored_at: dict[int, datetime]) -> list[Delivery]:
    """New-match deliveries for every active saved search; one per (search, article), keyed ``match:<id>``.
    ``stored_at``: article id → when its version was stored; a search only hears of versions stored after
    it was saved (new matches, not the archive)."""
    searches = list(Subscription.objects.filter(kind=Subscription.Kind.SEARCH, active=True))
    article_ids = sorted(stored_at)
    if not searches or not article_ids:
        return []
    _load_batch(article_ids)
    found: list[tuple[Subscription, int, Compiled]] = []
    for search in searches:
        query = compiled(search.query, search.dueum)
        if query is not None:
            hits = hits_for(query, article_ids)
            found += [(search, pk, query) for pk in hits if stored_at[pk] >= search.created_at]
    articles = _articles({pk for _, pk, _ in found})
    payloads = {pk: article_payload(article) for pk, article in articles.items()}  # once per article
    deliveries = []
    for search, pk, query in found:
        if (article := articles.get(pk)) is None or article.current_version is None:
            continue
        marked = snippet(article.current_version.text, query.highlights, search.dueum)
        payload = payloads[pk] | {"snippet": str(marked)}
        deliveries.append(delivery_for(search, f"match:{pk}", "match", article, payload))
    return deliveries


def match_followed_sources(stored_at: dict[int, datetime]) -> list[Delivery]:
    follows = Subscription.objects.filter(kind=Subscription.Kind.SOURCE, active=True)
    by_source: dict[int, list[Subscription]] = {}
    for follow in follows:
        by_source.setdefault(follow.source_id, []).append(follow)
    if not by_source:
        return []
    articles = Article.objects.select_related("source").filter(
        id__in=list(stored_at), source_id__in=by_source
    )
    return [
        delivery_for(follow, f"match:{article.pk}", "new", article, article_payload(article))
        for article in articles
        for follow in by_source[article.source_id]
        if stored_at[article.pk] >= follow.created_at
    ]


def _change_subscribers(event: ChangeEvent) -> list[Subscription]:
    active = Subscription.objects.filter(active=True)
    followers = list(active.filter(kind=Subscription.Kind.ARTICLE, article_id=event.article_id))
    followers += list(active.filter(kind=Subscription.Kind.SOURCE, source_id=event.source_id))
    # Saved searches that alerted on this article before (their match row exists) hear of its changes too.
    matched = Delivery.objects.filter(key=f"match:{event.article_id}", event="match").values(
        "subscription_id"
    )
    followers += list(active.filter(kind=Subscription.Kind.SEARCH, notify_changes=True, id__in=matched))
    return followers


def match_changes(change_ids: list[int]) -> list[Delivery]:
    events = ChangeEvent.objects.select_related("article__source").filter(id__in=change_ids)
    return [
        delivery_for(subscriber, f"{event.kind}:{event.pk}", event.kind, event.article,
                     article_payload(event.article) | {"change": event.kind, "at": event.at.isoformat()})
        for event in events
        for subscriber in _change_subscribers(event)
    ]  # fmt: skip


def process_queue(batch: int = BATCH) -> int:
    """Drain the queue in batches; each batch's deliveries and its queue deletion commit together. Returns
    the number of queue items consumed. Safe to run in several processes: duplicates hit the unique key."""
    done = 0
    while items := list(QueueItem.objects.order_by("id")[:batch]):
        stored_at = {item.article_id: item.created_at for item in items if item.change_id is None}  # latest
        change_ids = [item.change_id for item in items if item.change_id is not None]
        with transaction.atomic():
            deliveries = (
                match_searches(stored_at) + match_followed_sources(stored_at) + match_changes(change_ids)
            )
            Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
            QueueItem.objects.filter(id__in=[item.pk for item in items]).delete()
        done += len(items)
    return done
