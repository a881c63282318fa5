"""Incremental indexing: every stored version replaces its article's index row, in the storing transaction."""

from __future__ import annotations

from typing import Any

from wirewatch.archive.signals import StoredVersion
from wirewatch.search.analysis import index_documents
from wirewatch.search.backend import get_backend


def index_stored_versions(sender: Any, *, stored: list[StoredVersion], **kwargs: Any) -> None:
    index_versions(stored)


def index_versions(stored: list[StoredVersion]) -> None:
    """Index each item whose version is its article's current one; the batch's Korean texts go through kiwi
    together (index_documents), and the rows are written in one index_many."""
    # Sent inside the store's transaction: if indexing fails, the versions are not stored either, so the
    # index never disagrees with the archive.
    current = [item for item in stored if item.article.current_version_id == item.version.pk]
    if not current:
        return
    documents = index_documents([(item.version.title, item.version.text) for item in current])
    get_backend().index_many(
        [(item.article.pk, document) for item, document in zip(current, documents, strict=True)]
    )
