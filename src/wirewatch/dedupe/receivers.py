"""Signing each stored version and finding its near-duplicates in other sources (inside the storing transaction).

A new version replaces its article's signature. The article joins the group of its most similar match in another
source (a reprint names the original's group); with no match it is a group of its own. Within a group, the earliest
published article is ``is_first``: the one the collapsed stream shows.

One implementation for one version (the watcher) and for a batch (the WARC importer), both ``versions_stored``:
``sign_versions`` reads what a batch needs in a few queries, decides in memory item by item, in storing order,
exactly what signing the items one at a time would have decided, then writes. What makes the batch equal to one
at a time:

- an item's candidates are the signatures present when it would have been signed alone: those stored before the
  batch, less the old signatures of itself and of the batch's earlier items (each item deletes its own first),
  plus the new signatures of the batch's earlier items. A signature's group never changes once written, so the
  earlier items' groups decided in memory are the ones a query would have read.
- candidate ids are taken in ascending order and cut at MAX_CANDIDATES before other-source filtering, as one at a
  time does. New signatures get ids above every existing one (AUTOINCREMENT on SQLite, a sequence on PostgreSQL),
  in storing order, so the earlier items' new signatures sort after the stored ones, in batch order.
- ``is_first`` (see ``_Refreshes``): a group's final flags are those its last refresh would have set, which is the
  one refresh at the end over the same members.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import connection

from wirewatch.archive import derived
from wirewatch.archive.bulkinsert import insert_rows
from wirewatch.archive.models import Article, Version
from wirewatch.archive.signals import StoredVersion
from wirewatch.dedupe import minhash
from wirewatch.dedupe.models import Band, Signature

SIGNED = "dedupe.signed"  # (signature, band keys), derived ahead by the importer (apps.py registers it)
MAX_CANDIDATES = (
    500  # a text shared by hundreds of articles (a boilerplate notice) is not worth comparing to all
)


def on_versions_stored(sender: Any, stored: list[StoredVersion], **kwargs: Any) -> None:
    sign_versions(stored)


def sign_version(article: Article, version: Version, *, new_article: bool = False) -> Signature | None:
    """Store ``version``'s signature and bands, and put its article in its near-duplicate group.
    ``new_article``: the article was created in this transaction, so it has no signature yet to replace."""
    return sign_versions([StoredVersion(article, version, new_article)])[0]


@dataclass
class _Item:
    """One batch item on its way to the database: its values, band keys and the decision about its group."""

    article: Article
    version: Version
    values: np.ndarray | None
    keys: list[tuple[int, int]]
    old: tuple[int, int] | None = None  # (pk, group) of the signature this item replaces
    stored_ids: list[int] = field(default_factory=list)  # candidate ids among the signatures stored before
    earlier: list[int] = field(default_factory=list)  # candidate positions among the batch's earlier items
    group: int = 0
    score: float = 1.0


@dataclass
class _Refreshes:
    """The ``refresh_first`` calls signing one at a time would have made, replayed once per group at the end.

    One at a time refreshes a group after each item that leaves it or joins it as another article's copy, but
    not after an item that starts (or restarts) a group under its own id: that signature keeps is_first=True
    unrefreshed. So a group's final flags are set by its last refresh, over the members it had then; members it
    gained later without a refresh (``unrefreshed``) keep True and are left out of the final refresh. Published
    dates do not move inside the batch (all its rows exist before the receivers run), so the ordering the last
    refresh sees is the final one."""

    unrefreshed: dict[int, list[int]] = field(default_factory=dict)  # group -> positions joined since refresh
    refreshed: dict[int, None] = field(default_factory=dict)  # groups to refresh, in first-touched order

    def joined(self, group: int, position: int) -> None:
        self.unrefreshed.setdefault(group, []).append(position)

    def refresh(self, group: int) -> None:
        self.refreshed[group] = None
        self.unrefreshed[group] = []


def sign_versions(stored: list[StoredVersion]) -> list[Signature | None]:
    """``sign_version`` for each item in order, with the reads and writes of the whole batch grouped."""
    items = [_item(entry) for entry in stored]
    _read_old_signatures(items, [entry.article.pk for entry in stored if not entry.created])
    known = _read_candidates(items)
    refreshes = _Refreshes()
    for position in range(len(items)):
        _decide(items, position, known, refreshes)
    old_ids = [item.old[0] for item in items if item.old]
    if old_ids:  # their bands go with them (on_delete=CASCADE)
        Signature.objects.filter(pk__in=old_ids).delete()
    signatures = _write_signatures(items)
    for group in refreshes.refreshed:
        skip = [signatures[position].pk for position in refreshes.unrefreshed[group]]
        refresh_first(group, skip=skip)
    return signatures


def _item(entry: StoredVersion) -> _Item:
    version = entry.version
    values, keys = derived.value(entry.derived, SIGNED, lambda: minhash.signed(version))
    return _Item(entry.article, version, values, keys)


def _read_old_signatures(items: list[_Item], replaced: list[int]) -> None:
    if not replaced:  # a query per new article saved: most stored versions are new articles
        return
    rows = Signature.objects.filter(article_id__in=replaced).values_list("article_id", "pk", "group")
    old = {article_id: (pk, group) for article_id, pk, group in rows}
    for item in items:
        item.old = old.get(item.article.pk)


def _read_candidates(items: list[_Item]) -> dict[int, tuple[np.ndarray, int, int]]:
    """Fill each item's candidate ids and return the stored candidates' (values, group, source id) by id."""
    by_key: dict[tuple[int, int], list[int]] = {}
    for signature_id, band, key in _band_rows({key for item in items for _, key in item.keys}):
        by_key.setdefault((band, key), []).append(signature_id)
    gone: set[int] = set()  # old signatures deleted so far, one at a time
    seen: dict[tuple[int, int], list[int]] = {}  # band key -> positions of earlier items with it
    wanted: set[int] = set()
    for position, item in enumerate(items):
        if item.old:
            gone.add(item.old[0])
        stored = {sid for pair in item.keys for sid in by_key.get(pair, ()) if sid not in gone}
        earlier = {other for pair in item.keys for other in seen.get(pair, ())}
        item.stored_ids = sorted(stored)[:MAX_CANDIDATES]
        item.earlier = sorted(earlier)[: MAX_CANDIDATES - len(item.stored_ids)]
        wanted.update(item.stored_ids)
        for pair in item.keys:
            seen.setdefault(pair, []).append(position)
    if not wanted:  # the usual case for new stories: skip building a query that can only be empty
        return {}
    rows = Signature.objects.filter(pk__in=wanted).values_list(
        "pk", "hashvalues", "group", "article__source_id"
    )
    return {pk: (minhash.from_bytes(values), group, source) for pk, values, group, source in rows}


def _band_rows(keys: set[int]) -> list[tuple[int, int, int]]:
    """(signature id, band, key) of every stored band with one of ``keys``; chunked under SQLite's limit on
    parameters per statement (Django's max_query_params), in one query on PostgreSQL."""
    ordered = sorted(keys)
    size = connection.features.max_query_params or len(ordered) or 1
    rows: list[tuple[int, int, int]] = []
    for start in range(0, len(ordered), size):
        chunk = ordered[start : start + size]
        rows.extend(Band.objects.filter(key__in=chunk).values_list("signature_id", "band", "key"))
    return rows


def _decide(items: list[_Item], position: int, known: dict, refreshes: _Refreshes) -> None:
    """Item ``position``'s group and similarity, as signing it alone after the earlier items would decide."""
    item = items[position]
    old_group = item.old[1] if item.old else None
    if item.values is None:
        if old_group is not None:
            refreshes.refresh(old_group)
        return
    source = item.article.source_id
    # Candidates in ascending id order: the stored ones, then the earlier items' (their ids come later).
    candidates = [known[sid] for sid in item.stored_ids if sid in known and known[sid][2] != source]
    candidates += [
        (items[other].values, items[other].group, items[other].article.source_id)
        for other in item.earlier
        if items[other].article.source_id != source
    ]
    best_group, best_score = None, 0.0
    for values, group, _ in candidates:
        score = minhash.similarity(item.values, values)
        if score >= minhash.DUPLICATE_THRESHOLD and score > best_score:
            best_group, best_score = group, score
    item.group = best_group if best_group is not None else item.article.pk
    item.score = best_score if best_group is not None else 1.0
    refreshes.joined(item.group, position)
    # A new group of one is its own first (the default); only shared groups need their first recomputed.
    # A re-signed article (a new version) may leave a group: that one is recomputed too.
    for touched in ({item.group} - {item.article.pk}) | ({old_group} - {None}):
        refreshes.refresh(touched)


def _write_signatures(items: list[_Item]) -> list[Signature | None]:
    """Insert the new signatures in storing order (their ids ascend in that order), then all their bands."""
    new = [
        Signature(article=item.article, version=item.version, hashvalues=minhash.to_bytes(item.values),
                  group=item.group, similarity=item.score)
        for item in items
        if item.values is not None
    ]  # fmt: skip
    Signature.objects.bulk_create(new)  # ids are set: both backends return them from a bulk insert
    made = iter(new)
    signatures = [next(made) if item.values is not None else None for item in items]
    # 25 bands per signature: model instances for them were a quarter of dedupe's time (0.77 of 3.2 ms an article)
    bands = [
        (sig.pk, band, key)
        for sig, item in zip(signatures, items, strict=True)
        if sig
        for band, key in item.keys
    ]
    insert_rows(Band, ("signature_id", "band", "key"), bands)
    return signatures


def refresh_first(group: int, skip: list[int] | tuple[int, ...] = ()) -> None:
    """Mark the group's earliest published member (ties: lowest id) as its first. ``skip``: signatures the
    refresh must not see (joined after the refresh it replays, see ``_Refreshes``)."""
    members = Signature.objects.filter(group=group).exclude(pk__in=skip)
    first = members.order_by("article__published", "article_id").values_list("pk", flat=True).first()
    if first is None:
        return
    members.exclude(pk=first).update(is_first=False)
    Signature.objects.filter(pk=first).update(is_first=True)
