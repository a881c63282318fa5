"""Registering and listing sources: what the CLI, the packs and the demo call."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from wirewatch.sources.models import Source

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


class SourceError(ValueError):
    """A source definition that cannot be registered; the message says which field and why."""


def _check_url(field: str, url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SourceError(f"{field}: {url!r} is not an http(s) URL")
    return url


def _check_urls(field: str, urls: Iterable[str]) -> list[str]:
    return [_check_url(field, url) for url in urls]


def _check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SourceError(f"timezone: {name!r} is not a known time zone") from exc
    return name


def source_slug(name: str, edition: str) -> str:
    return slugify(f"{name} {edition}")[:100].strip("-") or "source"


def add_source(
    name: str,
    edition: str,
    language: str,
    *,
    slug: str | None = None,
    timezone: str = "UTC",
    home: str = "",
    feeds: Iterable[str] = (),
    listings: Iterable[str] = (),
    sitemaps: Iterable[str] = (),
    rules: dict | None = None,
    delay: float | None = None,
    poll_interval: int | None = None,
    pack: str = "",
) -> Source:
    """Register a source, or update the definition of the one with the same slug (its history is kept)."""
    name, edition = name.strip(), edition.strip()
    if not name or not edition:
        raise SourceError("a source needs a name (the outlet) and an edition (En, Ko, ...)")
    if len(name) > 200 or len(edition) > 20 or (slug and len(slug) > 100):
        raise SourceError("name, edition or slug too long (at most 200, 20 and 100 characters)")
    if not LANGUAGE_CODE.match(language):
        raise SourceError(f"language: {language!r} is not a language code like en, ko or zh-Hans")
    if delay is not None and delay < 0:
        raise SourceError("delay: must be 0 or more seconds")
    definition = {
        "name": name,
        "edition": edition,
        "language": language,
        "timezone": _check_timezone(timezone),
        "home": _check_url("home", home) if home else "",
        "feeds": _check_urls("feed", feeds),
        "listings": _check_urls("listing", listings),
        "sitemaps": _check_urls("sitemap", sitemaps),
        "rules": rules or {},
        "delay": settings.WIREWATCH["DEFAULT_DELAY"] if delay is None else delay,
        "poll_interval": poll_interval or settings.WIREWATCH["DEFAULT_POLL_INTERVAL"],
        "pack": pack,
    }
    if not (definition["feeds"] or definition["listings"] or definition["sitemaps"]):
        raise SourceError(f"{name} ({edition}): give at least one --feed, --listing or --sitemap URL")
    with transaction.atomic():
        source, _ = Source.objects.update_or_create(
            slug=slug or source_slug(name, edition), defaults=definition
        )
    return source


def add_sources(definitions: Iterable[dict], *, pack: str = "") -> list[Source]:
    """Register many sources at once (a pack, the demo): all or none."""
    with transaction.atomic():
        return [add_source(**{"pack": pack, **definition}) for definition in definitions]
