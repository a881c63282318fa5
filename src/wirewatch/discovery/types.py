"""What discovery hands to the watcher: candidate article URLs, and what it learned on the way."""

from __future__ import annotations

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
