"""A source's health, as the CLI and the API show it."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from wirewatch.sources.models import Source


def source_row(source: Source) -> dict:
    return {
        "slug": source.slug,
        "display_name": source.display_name,
        "language": source.language,
        "status": source.status,
        "status_message": source.status_message,
        "last_polled": source.last_polled_at.isoformat() if source.last_polled_at else None,
        "next_poll": source.next_poll_at.isoformat() if source.next_poll_at else None,
        "articles": source.article_count,
        "consecutive_errors": source.consecutive_errors,
    }


def source_rows() -> list[dict]:
    return [source_row(source) for source in Source.objects.all()]


def _ago(iso: str | None) -> str:
    if not iso:
        return "never"
    seconds = int((timezone.now() - datetime.fromisoformat(iso)).total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit} ago"
    return f"{seconds}s ago"


def source_table(rows: list[dict]) -> str:
    """A plain table for terminals: one source a line, its message below when it is not healthy."""
    if not rows:
        return "no sources yet: add one with `wirewatch sources add` or `wirewatch sources add-pack dprk`"
    width = max(len(row["slug"]) for row in rows)
    lines = [f"{'SOURCE':<{width}}  {'STATUS':<12}  {'LAST POLL':<10}  {'ARTICLES':>8}  NAME"]
    for row in rows:
        lines.append(
            f"{row['slug']:<{width}}  {row['status']:<12}  {_ago(row['last_polled']):<10}  "
            f"{row['articles']:>8}  {row['display_name']}"
        )
        if row["status"] not in ("ok", "new") and row["status_message"]:
            lines.append(f"{'':<{width}}  └ {row['status_message'][:300]}")
    return "\n".join(lines)
