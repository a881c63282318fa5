"""Finding a source's article URLs: its feeds, sitemaps and listing pages, fetched politely."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from wirewatch.archive.listings import note_listing
from wirewatch.archive.models import Article
from wirewatch.discovery import Candidate, DiscoveryResult, parse_feed, parse_listing, parse_sitemap
from wirewatch.fetching.client import FetchError, PoliteClient, Response
from wirewatch.sources.models import DiscoveryState, Source

log = logging.getLogger(__name__)
MAX_SITEMAPS = 50


@dataclass
class Found:
    """What one discovery pass found, and what went wrong on the way."""

    candidates: dict[str, Candidate] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    rules_broken: list[str] = field(default_factory=list)
    throttled_for: float | None = None
    pages: int = 0

    def add(self, candidates: list[Candidate]) -> int:
        """Keep the first sighting of each URL, but fill in a date or title a later one knows."""
        added = 0
        for candidate in candidates:
            known = self.candidates.get(candidate.url)
            if known is None:
                self.candidates[candidate.url] = candidate
                added += 1
            elif (known.published is None and candidate.published) or (not known.title and candidate.title):
                self.candidates[candidate.url] = Candidate(
                    candidate.url, known.published or candidate.published, known.title or candidate.title
                )
        return added


def _state(source: Source, url: str, kind: str) -> DiscoveryState:
    state, _ = DiscoveryState.objects.get_or_create(source=source, url=url, defaults={"kind": kind})
    return state


def _fetch(client: PoliteClient, source: Source, state: DiscoveryState, found: Found) -> Response | None:
    """One conditional GET of a discovery URL; None when there is nothing new or it failed."""
    try:
        response = client.get(
            state.url,
            delay=source.delay,
            purpose=state.kind,
            source_id=source.pk,
            etag=state.etag,
            last_modified=state.last_modified,
        )
    except FetchError as exc:
        _note(state, error=f"{exc.kind}: {exc.message}")
        # The kind (timeout, blocked, too-large...) leads the status message, so the reason is plain.
        found.errors.append(f"{state.kind} {state.url}: {exc.kind}: {exc.message}")
        if exc.kind == "throttled":
            found.throttled_for = max(found.throttled_for or 0, exc.retry_after or 0)
        return None
    found.pages += 1
    if response.not_modified:
        _note(state, error="")
        return None
    if not response.ok:
        _note(state, error=f"HTTP {response.status}")
        found.errors.append(f"{state.kind} {state.url}: HTTP {response.status}")
        return None
    state.etag = response.headers.get("etag", "")[:500]
    state.last_modified = response.headers.get("last-modified", "")[:100]
    return response


def _note(state: DiscoveryState, *, error: str, items: int | None = None) -> None:
    state.last_fetched_at = timezone.now()
    state.last_error = error
    if items is not None:
        state.last_item_count = items
    state.save()


def _record(state: DiscoveryState, result: DiscoveryResult, found: Found) -> int:
    added = found.add(result.candidates)
    if result.error:
        (found.rules_broken if "rules matched nothing" in result.error else found.errors).append(
            f"{state.kind} {state.url}: {result.error}"
        )
    _note(state, error=result.error or "; ".join(result.warnings), items=len(result.candidates))
    return added


def discover_feeds(client: PoliteClient, source: Source, found: Found) -> None:
    for url in source.feeds:
        state = _state(source, url, "feed")
        if response := _fetch(client, source, state, found):
            _record(state, parse_feed(response.body, url=response.final_url, headers=response.headers), found)


def discover_sitemaps(client: PoliteClient, source: Source, found: Found) -> None:
    queue, seen = list(source.sitemaps), set()
    while queue and len(seen) < MAX_SITEMAPS:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        state = _state(source, url, "sitemap")
        if response := _fetch(client, source, state, found):
            result = parse_sitemap(response.body, url=response.final_url)
            _record(state, result, found)
            queue.extend(result.next_urls)


def known_urls(source: Source, urls: list[str]) -> set[str]:
    """Which of ``urls`` are already articles of ``source`` (one indexed query, however large the archive)."""
    return set(Article.objects.filter(source=source, url__in=urls).values_list("url", flat=True))


def discover_listings(client: PoliteClient, source: Source, found: Found) -> None:
    """Page through each listing; stop paging once a page shows nothing we did not already have."""
    rules = source.rules.get("listing") or {}
    max_pages = settings.WIREWATCH["LISTING_MAX_PAGES"]
    for start in source.listings:
        url, pages = start, 0
        while url and pages < max_pages:
            pages += 1
            # Only the first page's validators are worth keeping: deeper pages shift as items arrive.
            state = _state(source, url, "listing") if pages == 1 else DiscoveryState(source=source, url=url)
            response = _fetch(client, source, state, found)
            if response is None:
                break
            result = parse_listing(
                response.text, url=response.final_url, rules=rules, timezone=source.timezone
            )
            if pages == 1:
                _record(state, result, found)
                note_listing(source, start, [c.url for c in result.candidates])
            else:
                found.add(result.candidates)
            urls = [c.url for c in result.candidates]
            fresh = set(urls) - known_urls(source, urls)
            url = result.next_urls[0] if (result.next_urls and fresh) else None


def discover(client: PoliteClient, source: Source) -> Found:
    """All candidate article URLs of ``source`` (feeds, then sitemaps, then listing pages)."""
    found = Found()
    discover_feeds(client, source, found)
    discover_sitemaps(client, source, found)
    discover_listings(client, source, found)
    return found
