"""Inside the archive's transactions: note the work, nothing more (matching runs in batches after commit).

The queue row commits or rolls back with the version or change that caused it, so a crash between the store
and the matcher loses nothing: the next batch picks the row up. ``on_commit`` wakes the dispatcher early.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from wirewatch.alerts.models import QueueItem
from wirewatch.alerts.wakeup import wake
from wirewatch.archive.signals import StoredVersion


def versions_stored_to_queue(sender: Any, *, stored: list[StoredVersion], **kwargs: Any) -> None:
    queue_versions(stored)


def queue_versions(stored: list[StoredVersion]) -> None:
    """One queue row per item, in storing order, in one insert; one wake-up for the whole batch."""
    if not stored:
        return
    QueueItem.objects.bulk_create([QueueItem(article_id=item.article.pk) for item in stored])
    transaction.on_commit(wake)


def change_to_queue(sender: Any, *, instance: Any, created: bool, **kwargs: Any) -> None:
    if created:
        QueueItem.objects.create(article_id=instance.article_id, change_id=instance.pk)
        transaction.on_commit(wake)
