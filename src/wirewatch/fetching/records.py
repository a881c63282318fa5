"""The Fetch row for each attempt, written in its own short transaction (one writer on SQLite: keep it brief)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from wirewatch.fetching.models import Fetch
from wirewatch.fetching.warc import WarcLocation

_URL_MAX = Fetch._meta.get_field("url").max_length
_ERROR_MAX = Fetch._meta.get_field("error").max_length


@dataclass(frozen=True)
class Attempt:
    """What one attempt did, as stored in fetching.models.Fetch."""

    url: str
    purpose: str
    source_id: int | None
    at: datetime
    final_url: str = ""
    status_code: int | None = None
    error: str = ""
    elapsed_ms: int = 0
    body_bytes: int = 0
    warc: WarcLocation | None = None


def record_attempt(attempt: Attempt) -> int:
    """Insert the Fetch row; return its id."""
    with transaction.atomic():
        row = _row(attempt)
        row.save(force_insert=True)
    return row.pk


def record_attempts(attempts: list[Attempt]) -> list[int]:
    """Insert the Fetch rows of many attempts in one statement, inside the caller's transaction (the WARC
    importer's batches); return their ids in order. Fetch has no save() override or signal to skip."""
    return [row.pk for row in Fetch.objects.bulk_create([_row(attempt) for attempt in attempts])]


def _row(attempt: Attempt) -> Fetch:
    warc = attempt.warc
    return Fetch(
        url=attempt.url[:_URL_MAX],
        final_url=attempt.final_url[:_URL_MAX],
        purpose=attempt.purpose,
        source_id=attempt.source_id,
        at=attempt.at,
        status_code=attempt.status_code,
        error=attempt.error[:_ERROR_MAX],
        elapsed_ms=attempt.elapsed_ms,
        body_bytes=attempt.body_bytes,
        warc_file=warc.file if warc else "",
        warc_offset=warc.offset if warc else None,
        warc_record_id=warc.record_id if warc else "",
    )


def mark_failed(fetch_id: int, error: str) -> None:
    """Add the error to an attempt that got an answer we cannot use (throttled, redirect limit)."""
    with transaction.atomic():
        Fetch.objects.filter(pk=fetch_id).update(error=error[:_ERROR_MAX])
