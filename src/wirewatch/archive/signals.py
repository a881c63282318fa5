"""The one signal other apps listen to, so the archive knows nothing of search, entities or alerts.

``versions_stored`` tells the receivers about stored versions: one item when the watcher or a re-check stores a
page (``store.store_extracted``), a whole batch when the WARC importer does (``batchstore.BatchStore``). Each app
has one receiver and one implementation for both. The contract:

- ``stored`` is a list of ``StoredVersion(article, version, created)`` in storing order;
- it is sent *inside* the storing transaction, after every row the store writes for those items exists (articles
  with their current version and counters, versions, blobs, fetches, re-check rows, change events): a receiver
  that writes (a search index row, mentions) commits or rolls back together with the versions, so a crash leaves
  all of it or none. Receivers must be quick and must not swallow errors that should abort the write;
- no article appears twice in one send: before storing another version of an article already in the pending
  items, the importer sends those items first (it does so before every edit, so an edit's ChangeEvent, and its
  post_save receivers, come after the receivers of the items stored before it);
- a receiver must leave exactly the rows that sending each item alone, in the same order, would leave (same rows,
  same values, same relative order of inserted ids): tests/archive/test_import_batches.py compares a batched
  import with storing the pages one by one, tests/dedupe/test_batch_receivers.py each app's receiver.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from django.dispatch import Signal

from wirewatch.archive import derived

if TYPE_CHECKING:
    from wirewatch.archive.models import Article, Version


class StoredVersion(NamedTuple):
    """One item of a ``versions_stored`` send."""

    article: Article
    version: Version
    created: bool  # the article is new: this is its first version
    derived: Mapping[str, Any] = derived.NONE  # values derived ahead from its title and text (derived.py)


# Sent by Article with: stored (list[StoredVersion]; see the module docstring).
versions_stored = Signal()


def send_stored(stored: list[StoredVersion]) -> None:
    """Tell the receivers about ``stored``, if there is anything to tell."""
    if not stored:
        return
    from wirewatch.archive.models import Article  # the sender; models are loaded once receivers are connected

    versions_stored.send(Article, stored=stored)
