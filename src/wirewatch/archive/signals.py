"""Signals other apps listen to, so the archive knows nothing of search, entities or alerts.

``version_stored`` is sent *inside* the transaction that stores the version: a receiver that writes (a search
index row, mentions) commits or rolls back together with the article, so a crash leaves all of it or none.
Receivers must be quick and must not swallow errors that should abort the write.

``versions_stored`` is the same news for many versions at once (the WARC importer sends one per batch, from
``send_stored``). Its contract:

- ``stored`` is a list of ``StoredVersion(article, version, created)`` in storing order;
- it is sent inside the storing transaction, after every row the store writes for those items exists (articles
  with their current version and counters, versions, blobs, fetches, re-check rows, change events);
- no article appears twice in one send: before storing another version of an article already in the pending
  items, the importer sends those items first (it does so before every edit, so an edit's ChangeEvent, and its
  post_save receivers, come after the receivers of the items stored before it);
- a receiver must leave exactly the rows that ``version_stored`` sent once per item, in the same order, would
  leave (same rows, same values, same relative order of inserted ids): tests/archive/test_import_batches.py
  compares a batched import with storing the pages one by one.

Until every app that listens to ``version_stored`` also listens to ``versions_stored``, ``send_stored`` falls back
to ``version_stored`` per item when ``versions_stored`` has no receiver at all. An app must therefore connect
both signals, or neither: one with only a ``version_stored`` receiver would miss imported versions as soon as
any other app connects a ``versions_stored`` one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from django.dispatch import Signal

if TYPE_CHECKING:
    from wirewatch.archive.models import Article, Version

# Sent with: article (Article), version (Version), created (bool: the article is new).
version_stored = Signal()


class StoredVersion(NamedTuple):
    """One item of a ``versions_stored`` send."""

    article: Article
    version: Version
    created: bool


# Sent with: stored (list[StoredVersion], in storing order, no article twice), inside the transaction, after
# all rows of those items exist. One send per batch of the WARC importer (one more per edit in the batch).
versions_stored = Signal()


def send_stored(stored: list[StoredVersion]) -> None:
    """Tell the receivers about ``stored`` (see the module docstring): one ``versions_stored`` send, or, while no
    app listens to it, ``version_stored`` once per item, in order."""
    if not stored:
        return
    from wirewatch.archive.models import Article  # the sender; models are loaded once receivers are connected

    if versions_stored.has_listeners(Article):
        versions_stored.send(Article, stored=stored)
        return
    for item in stored:
        version_stored.send(Article, article=item.article, version=item.version, created=item.created)
