"""Incremental indexing: every stored version replaces its article's index row, in the storing transaction."""

from __future__ import annotations

from typing import Any

from wirewatch.archive import derived
from wirewatch.archive.signals import StoredVersion
from wirewatch.search.analysis import Indexed, index_documents
from wirewatch.search.backend import get_backend

DOCUMENT = "search.document"  # an Indexed, derived ahead by the importer (apps.py registers it)


def index_stored_versions(sender: Any, *, stored: list[StoredVersion], **kwargs: Any) -> None:
    index_versions(stored)


def index_versions(stored: list[StoredVersion]) -> None:
    """Index each item whose version is its article's current one (documents derived ahead by the importer, or
    analysed here: ``_documents``); the rows are written in one index_many."""
    # Sent inside the store's transaction: if indexing fails, the versions are not stored either, so the
    # index never disagrees with the archive.
    current = [item for item in stored if item.article.current_version_id == item.version.pk]
    if not current:
        return
    documents = _documents(current)
    get_backend().index_many(
        [(item.article.pk, document) for item, document in zip(current, documents, strict=True)]
    )


def _documents(items: list[StoredVersion]) -> list[Indexed]:
    """Each item's index document: derived ahead by the WARC importer's workers, else analysed here (the
    Korean texts of the batch through kiwi together)."""
    missing = [item.version for item in items if DOCUMENT not in item.derived]
    made = iter(index_documents([(version.title, version.text) for version in missing]))
    return [derived.value(item.derived, DOCUMENT, lambda: next(made)) for item in items]
