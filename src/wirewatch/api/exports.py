"""CSV and JSON Lines exports of the article list, streamed: millions of rows, constant memory.

The rows come from one query read in chunks (``QuerySet.iterator``) as tuples, never model instances, and each
is written out as soon as it is read, through StreamingHttpResponse.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from wirewatch.accounts.models import Role
from wirewatch.accounts.roles import require_role
from wirewatch.api.views import error, iso_utc, read_only
from wirewatch.archive.models import Blob
from wirewatch.web import queries
from wirewatch.web.paging import BadQuery

CHUNK_SIZE = 2000
COLUMNS = (
    "id",
    "published",
    "published_is_estimate",
    "source",
    "language",
    "title",
    "title_is_lead",
    "original_url",
    "removed_at",
    "text",
)
_FIELDS = (
    "id",
    "published",
    "published_is_estimate",
    "source__slug",
    "language",
    "title",
    "title_is_lead",
    "url",
    "removed_at",
    "current_version__text_blob__data",
)
# The search app sets this (in its AppConfig.ready) to a function (queryset, q) -> queryset narrowed by the
# query language; until then ?q= is refused rather than silently ignored.
QUERY_FILTER: Callable[[QuerySet, str], QuerySet] | None = None


def export_rows(request: HttpRequest) -> Iterator[dict]:
    """The filtered rows, newest first, as dicts of COLUMNS; BadQuery for malformed filters."""
    queryset = queries.stream(queries.parse_stream_filters(request.GET))
    if q := request.GET.get("q"):
        if QUERY_FILTER is None:
            raise BadQuery("q= is not supported yet: search is not installed.")
        queryset = QUERY_FILTER(queryset, q)
    for row in _keyset_chunks(queryset):
        record = dict(zip(COLUMNS, row, strict=True))
        record["published"] = iso_utc(record["published"])
        record["removed_at"] = iso_utc(record["removed_at"])
        # Texts are stored compressed (archive.Blob); Blob knows how to read its own data.
        record["text"] = Blob(data=record["text"]).text if record["text"] is not None else ""
        yield record


def _keyset_chunks(queryset: QuerySet) -> Iterator[tuple]:
    """The rows newest first, CHUNK_SIZE per query, each query resuming after the last (published, id) seen.

    Not ``QuerySet.iterator()``: on PostgreSQL that holds a server-side cursor open between chunks, and a
    response nobody read to the end is then closed by the garbage collector at any moment, even inside another
    query on the same connection, where psycopg's connection lock (not re-entrant) deadlocks the thread. Here
    nothing is open between chunks, so an abandoned export holds no database resource at all.
    """
    ordered = queryset.order_by("-published", "-id")
    after = None
    while True:
        page = ordered
        if after is not None:
            page = ordered.filter(Q(published__lt=after[0]) | Q(published=after[0], id__lt=after[1]))
        rows = list(page.values_list("published", "id", *_FIELDS)[:CHUNK_SIZE])
        yield from (row[2:] for row in rows)
        if len(rows) < CHUNK_SIZE:
            return
        after = rows[-1][:2]


def _spreadsheet_safe(value: object) -> object:
    # OWASP "CSV injection": a cell starting with = + - @ is run as a formula by spreadsheets. Titles from
    # hostile sources could; a leading apostrophe makes the cell plain text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_lines(rows: Iterator[dict]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_spreadsheet_safe(row[column]) for column in COLUMNS])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def jsonl_lines(rows: Iterator[dict]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"


def _export(request: HttpRequest, lines: Callable, content_type: str, extension: str) -> HttpResponse:
    rows = export_rows(request)
    try:
        first = next(rows, None)  # validates the filters now, while a 400 can still be sent
    except BadQuery as exc:
        return error(str(exc), 400)
    body = lines(_chain(first, rows))
    response = StreamingHttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="wirewatch-articles.{extension}"'
    return response


def _chain(first: dict | None, rest: Iterator[dict]) -> Iterator[dict]:
    if first is not None:
        yield first
        yield from rest


@read_only  # first: a wrong method is a 405 whoever asks
@require_role(Role.ANALYST, api=True)
def export_csv(request: HttpRequest) -> HttpResponse:
    """``GET /api/v1/export.csv``: same filters as /api/v1/articles; analysts (session or token)."""
    return _export(request, csv_lines, "text/csv; charset=utf-8", "csv")


@read_only
@require_role(Role.ANALYST, api=True)
def export_jsonl(request: HttpRequest) -> HttpResponse:
    """``GET /api/v1/export.jsonl``: one JSON object per line."""
    return _export(request, jsonl_lines, "application/jsonl; charset=utf-8", "jsonl")
