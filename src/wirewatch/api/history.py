"""JSON API v1 for the record: an article's versions and the diff between two of them."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse

from wirewatch.api import openapi
from wirewatch.api.views import JSON_OPTIONS, error, iso_utc, read_only
from wirewatch.archive.changes import article_diff, versions_of
from wirewatch.archive.models import Article, Version
from wirewatch.fetching.warc import WarcLocation
from wirewatch.scale.capture import CaptureMissing, StorageUnavailable, read_capture
from wirewatch.web.paging import whole_number

log = logging.getLogger(__name__)


def _article(pk: str) -> Article | None:
    number = whole_number(pk)
    return Article.objects.select_related("source").filter(pk=number).first() if number is not None else None


@read_only
def versions(request: HttpRequest, pk: str) -> JsonResponse:
    """``GET /api/v1/articles/<id>/versions``: every version kept, oldest first, and the removal state."""
    article = _article(pk)
    if article is None:
        return error("No such article.", 404)
    items = [
        {
            "version": version.number,
            "fetched_at": iso_utc(version.fetched_at),
            "title": version.title,
            "text_hash": version.content_hash,
            "warc_record_id": version.fetch.warc_record_id if version.fetch else None,
        }
        for version in versions_of(article)
    ]
    body = {
        "items": items,
        "removed_at": iso_utc(article.removed_at),
        "last_seen": iso_utc(article.last_seen),
        "superseded_by": article.superseded_by_id,
    }
    return JsonResponse(body, json_dumps_params=JSON_OPTIONS)


@read_only
def diff(request: HttpRequest, pk: str) -> JsonResponse:
    """``GET /api/v1/articles/<id>/diff?from=1&to=2``: title ops and body paragraphs of ops
    (``{"op": "equal"|"delete"|"insert", "text": ...}``). A bad or missing version is a 400 (BadQuery)."""
    article = _article(pk)
    if article is None:
        return error("No such article.", 404)
    return JsonResponse(article_diff(article, request.GET.get("from"), request.GET.get("to")),
                        json_dumps_params=JSON_OPTIONS)  # fmt: skip


def _version(pk: str, number: str) -> Version | None:
    article, wanted = _article(pk), whole_number(number, max_digits=9)
    if article is None or wanted is None:
        return None
    return article.versions.select_related("fetch").filter(number=wanted).first()


@read_only
def capture(request: HttpRequest, pk: str, number: str) -> HttpResponse:
    """``GET /api/v1/articles/<id>/versions/<n>/capture``: the raw capture behind a version, its WARC response
    record exactly as stored (one gzip member, ``application/gzip``): from this host's WARC directory or, on a
    web host without it, from object storage (scale/capture.py)."""
    version = _version(pk, number)
    if version is None:
        return error("No such article or version.", 404)
    fetch = version.fetch
    if fetch is None or not fetch.warc_file or fetch.warc_offset is None:
        return error("This version has no raw capture (it was stored without a WARC record).", 404)
    try:
        member = read_capture(WarcLocation(fetch.warc_file, fetch.warc_offset, fetch.warc_record_id))
    except CaptureMissing as exc:
        response = error(f"The raw capture is not available: {exc}.", 404)
        response["Cache-Control"] = "no-store"  # a file still being written is in the bucket a minute later
        return response
    except StorageUnavailable as exc:
        log.warning("raw capture of fetch %s: %s", fetch.pk, exc)
        response = error("The raw capture is in object storage, which did not answer: try again later.", 503)
        response["Retry-After"] = "30"
        return response
    response = HttpResponse(member, content_type="application/gzip")
    name = f"{fetch.warc_file.removesuffix('.warc.gz')}-{fetch.warc_offset}.warc.gz"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# The OpenAPI description of these endpoints (api/openapi.py), registered when this module loads (see
# ArchiveConfig.ready), so the schemathesis test holds them to it like the rest of the API.
_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
_NUMBER = {"type": "integer", "minimum": 1}
_OP = {
    "type": "object",
    "required": ["op", "text"],
    "properties": {"op": {"enum": ["equal", "delete", "insert"]}, "text": {"type": "string"}},
}
openapi.SCHEMAS.update({
    "Versions": {
        "type": "object",
        "required": ["items", "removed_at", "last_seen"],
        "properties": {
            "items": {"type": "array", "items": {
                "type": "object",
                "required": ["version", "fetched_at", "title", "text_hash", "warc_record_id"],
                "properties": {"version": {"type": "integer"}, "fetched_at": {"type": "string", "format": "date-time"},
                               "title": {"type": "string"}, "text_hash": {"type": "string"},
                               "warc_record_id": {"type": ["string", "null"]}},
            }},
            "removed_at": openapi.NULLABLE_TIME,
            "last_seen": openapi.NULLABLE_TIME,
            "superseded_by": {"type": ["integer", "null"]},
        },
    },
    "Diff": {
        "type": "object",
        "required": ["from", "to", "changed", "title", "body"],
        "properties": {"from": {"type": "integer"}, "to": {"type": "integer"}, "changed": {"type": "boolean"},
                       "title": {"type": "array", "items": _OP},
                       "body": {"type": "array", "items": {"type": "array", "items": _OP}}},
    },
})  # fmt: skip
openapi.PATHS.update({
    "/articles/{id}/versions": {"get": {
        "summary": "Every version kept of one article, oldest first, and whether it was removed at source.",
        "parameters": [_ID],
        "responses": {"200": openapi._json(openapi._ref("Versions"), "The versions."),
                      "404": openapi._error("No such article."), **openapi.COMMON_ERRORS},
    }},
    "/articles/{id}/diff": {"get": {
        "summary": "Word diff of two versions (default: the last against the one before).",
        "parameters": [_ID, {"name": "from", "in": "query", "schema": _NUMBER},
                       {"name": "to", "in": "query", "schema": _NUMBER}],
        "responses": {"200": openapi._json(openapi._ref("Diff"), "The diff."),
                      "404": openapi._error("No such article."), **openapi.COMMON_ERRORS},
    }},
    "/articles/{id}/versions/{number}/capture": {"get": {
        "summary": "The raw capture of one version: its WARC response record as stored (a gzip member).",
        "parameters": [_ID, {"name": "number", "in": "path", "required": True, "schema": _NUMBER}],
        "responses": {"200": {"description": "The record.",
                              "content": {"application/gzip": {"schema": {"type": "string", "format": "binary"}}}},
                      "404": openapi._error("No such version, or its capture is in no storage."),
                      "503": openapi._error("Object storage did not answer; see Retry-After."),
                      **openapi.COMMON_ERRORS},
    }},
})  # fmt: skip
