"""Recomputing what the receivers derive, for articles stored before the gazetteer (or the rules) changed."""

from __future__ import annotations

import sys

from django.db import transaction

from wirewatch.archive.models import Article
from wirewatch.dedupe.receivers import sign_version
from wirewatch.entities.models import Appearance, Mention, TextDate
from wirewatch.entities.receivers import record_version

BATCH = 200


def rescan(progress: bool = False) -> int:
    """Redo the current version's rows of every article (oldest first, so duplicate groups start at the
    original). One transaction per batch: the watcher can write between batches."""
    ids = list(
        Article.objects.exclude(current_version=None).order_by("published", "id").values_list("pk", flat=True)
    )
    for start in range(0, len(ids), BATCH):
        with transaction.atomic():
            for article in (
                Article.objects.filter(pk__in=ids[start : start + BATCH])
                .select_related("current_version")
                .order_by("published", "id")
            ):
                _redo(article)
        if progress:
            print(f"\r{min(start + BATCH, len(ids))}/{len(ids)}", end="", file=sys.stderr, flush=True)
    if progress and ids:
        print(file=sys.stderr)
    return len(ids)


def _redo(article: Article) -> None:
    version = article.current_version
    for model in (Mention, Appearance, TextDate):
        model.objects.filter(version=version).delete()
    record_version(article, version)
    sign_version(article, version)
