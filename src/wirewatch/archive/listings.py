"""Listing pages compared between polls: an article that vanished from between neighbours still listed is a
candidate for deletion, and is re-checked at once (the re-check decides; a listing alone proves nothing).

Items age off the end of a listing as newer ones push them down: that is no evidence. Only a gap counts: an
URL that was listed between two URLs that are both still listed.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from wirewatch.archive.models import ListingSnapshot
from wirewatch.archive.recheck import schedule_now
from wirewatch.sources.models import Source

MAX_URLS = 1000


def vanished_between(before: list[str], now: list[str]) -> list[str]:
    """URLs of ``before`` missing from ``now`` while a URL listed above and one listed below them remain."""
    present = set(now)
    kept = [index for index, url in enumerate(before) if url in present]
    if len(kept) < 2:
        return []
    first, last = kept[0], kept[-1]
    return [url for url in before[first + 1 : last] if url not in present]


def note_listing(source: Source, url: str, urls: list[str], now: datetime | None = None) -> list[str]:
    """Remember this first page's URLs; schedule an immediate re-check of those that vanished from it."""
    now = now or timezone.now()
    urls = list(dict.fromkeys(urls))[:MAX_URLS]
    with transaction.atomic():
        snapshot, created = ListingSnapshot.objects.get_or_create(source=source, url=url[:2000],
                                                                  defaults={"urls": urls, "updated_at": now})  # fmt: skip
        vanished = [] if created else vanished_between(list(snapshot.urls), urls)
        if not created:
            snapshot.urls, snapshot.updated_at = urls, now
            snapshot.save()
    if vanished:
        schedule_now(source, vanished, now)
    return vanished
