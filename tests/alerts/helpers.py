"""Articles stored through the archive's real store path (store_extracted → versions_stored), users, alerts."""

from __future__ import annotations

import itertools

from tests.factories import BASE_TIME, body_html
from wirewatch.alerts.models import Subscription
from wirewatch.archive.store import store_extracted
from wirewatch.extraction import Extracted

_urls = itertools.count(1)


def extracted(title: str, text: str, language: str = "en") -> Extracted:
    return Extracted(title, False, text, body_html(text), "", BASE_TIME, "meta", language, "rules", True)


def store(source, title: str, text: str, url: str | None = None, language: str = "en"):
    """Store a version the way the watcher does; returns the Article."""
    url = url or f"http://127.0.0.1:9/{source.slug}/a/{next(_urls)}"
    return store_extracted(source, url, extracted(title, text, language)).article


def saved_search(owner, query: str, **fields) -> Subscription:
    fields.setdefault("name", query)
    fields.setdefault("email", owner.email)
    return Subscription.objects.create(owner=owner, kind=Subscription.Kind.SEARCH, query=query, **fields)
