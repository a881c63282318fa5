"""Inside the archive's transactions: note the work, nothing more (matching runs in batches after commit).

The queue row commits or rolls back with the version or change that caused it, so a crash between the store
and the matcher loses nothing: the next batch picks the row up. ``on_commit`` wakes the dispatcher early.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from wirewatch.alerts.models import QueueItem
from wirewatch.alerts.wakeup import wake


def version_stored_to_queue(sender: Any, *, article: Any, version: Any, created: bool, **kwargs: Any) -> None:
    QueueItem.objects.create(article_id=article.pk)
    transaction.on_commit(wake)


def change_to_queue(sender: Any, *, instance: Any, created: bool, **kwargs: Any) -> None:
    if created:
        QueueItem.objects.create(article_id=instance.article_id, change_id=instance.pk)
        transaction.on_commit(wake)
