"""Storing articles the way the watcher does (``store_extracted``), so that the receivers run."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime
from pathlib import Path

from wirewatch.archive.store import store_extracted
from wirewatch.extraction.article import Extracted
from wirewatch.extraction.cleaning import repair_glued_names
from wirewatch.sources.models import Source

_numbers = itertools.count(1)
WHEN = datetime(2024, 3, 5, 1, 0, tzinfo=UTC)


def store(source: Source, title: str, text: str, published: datetime | None = None, url: str | None = None):
    """Store one article (or its next version, given the same ``url``) through the archive; returns the Article."""
    extracted = Extracted(
        title, False, text, "", "", published or WHEN, "meta", source.language, "rules", True
    )
    url = url or f"http://127.0.0.1:9/{source.slug}/{next(_numbers)}"
    return store_extracted(source, url, extracted).article


def kcna_rows(shared_dir: Path) -> list[dict]:
    """The KCNA rows with full text, texts repaired as the extractor repairs them, exact repeats dropped."""
    rows = json.loads((shared_dir / "data" / "kcna-en" / "articles.json").read_text(encoding="utf-8"))
    seen: set[str] = set()
    kept = []
    for row in rows:
        text = row.get("story_text") or ""
        if text and text not in seen and row["link"] not in seen:
            seen.update((text, row["link"]))
            kept.append({**row, "story_text": repair_glued_names(text)})
    return kept


def published_at(row: dict) -> datetime:
    return datetime.fromtimestamp(row["date"] / 1000, UTC)
