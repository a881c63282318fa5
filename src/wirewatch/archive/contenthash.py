"""A version's content identity: what must differ for a page to be a new version. No Django here: the WARC
importer's extraction workers compute it too (extractpool.py)."""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import datetime

from wirewatch.extraction import Extracted
from wirewatch.extraction.headline import clean_title


def normalise_for_hash(value: str) -> str:
    """Whitespace and Unicode form are cosmetic: they must not make a new version."""
    return " ".join(unicodedata.normalize("NFC", value).split())


def content_hash(title: str, text: str, published: datetime | None) -> str:
    """The identity of a version's content. KCNA's list-date label ("[Juche113.2.11.]") in a title is noise."""
    day = published.date().isoformat() if published else ""
    parts = (normalise_for_hash(clean_title(title)[0]), normalise_for_hash(text), day)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def extracted_hash(extracted: Extracted) -> str:
    return content_hash(extracted.title, extracted.text, extracted.published)
