"""Signals other apps listen to, so the archive knows nothing of search, entities or alerts.

``version_stored`` is sent *inside* the transaction that stores the version: a receiver that writes (a search
index row, mentions) commits or rolls back together with the article, so a crash leaves all of it or none.
Receivers must be quick and must not swallow errors that should abort the write.
"""

from django.dispatch import Signal

# Sent with: article (Article), version (Version), created (bool: the article is new).
version_stored = Signal()
