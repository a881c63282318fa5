"""What discovery hands to the watcher: candidate article URLs, and what it learned on the way."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Candidate:
    """One article URL found in a feed, sitemap or listing page."""

    url: str  # absolute, canonicalised (see urls.canonicalize_url)
    published: datetime | None = None  # aware UTC, as the feed/sitemap/listing gave it
    title: str | None = None  # plain text, whitespace collapsed


@dataclass
class DiscoveryResult:
    """The outcome of parsing one fetched feed, sitemap or listing page.

    ``error`` set means nothing usable was found (the watcher records it as the URL's health);
    ``warnings`` are problems that did not stop us (an ill-formed feed that still gave items).
    The last three fields are extras about the document itself, for health pages and checks.
    """

    candidates: list[Candidate] = field(default_factory=list)
    next_urls: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    title: str | None = None  # the feed's or page's own title, plain text
    encoding: str | None = None  # the character encoding the body was read in
    language: str | None = None  # the document's declared language, if any


def failed(message: str, warnings: list[str] | None = None) -> DiscoveryResult:
    """A result with nothing usable and a human message saying why."""
    return DiscoveryResult(candidates=[], next_urls=[], warnings=list(warnings or []), error=message)


def collect_candidates(
    items: list,
    to_candidate: Callable[[object], Candidate | None],
    warnings: list[str],
    *,
    cap: int,
    noun: str,
) -> list[Candidate]:
    """The first ``cap`` items as candidates, each URL once; what was cut or unusable goes to ``warnings``."""
    if len(items) > cap:
        warnings.append(f"feed has {len(items)} items; only the first {cap} were read")
    candidates, seen, skipped = [], set(), 0
    for item in items[:cap]:
        candidate = to_candidate(item)
        if candidate is None:
            skipped += 1
        elif candidate.url not in seen:
            seen.add(candidate.url)
            candidates.append(candidate)
    if skipped:
        warnings.append(f"{skipped} item(s) had no usable http(s) {noun}")
    return candidates
