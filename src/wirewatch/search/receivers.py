"""Incremental indexing: every stored version replaces its article's index row, in the storing transaction."""

from __future__ import annotations

from typing import Any

from wirewatch.search.backend import get_backend


def index_stored_version(sender: Any, *, article: Any, version: Any, created: bool, **kwargs: Any) -> None:
    # version_stored is sent inside the store's transaction: if indexing fails, the version is not stored
    # either, so the index never disagrees with the archive.
    if article.current_version_id == version.pk:
        get_backend().index(article, version)
