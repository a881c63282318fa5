"""The OpenAPI 3.1 description of /api/v1/, served at /api/v1/openapi.json.

Written by hand as a dict: the API is plain Django views, so there is nothing to generate it from, and a
hand-written spec is what the schemathesis test holds the views to. Other apps add their endpoints with
``PATHS.update({...})`` (and schemas with ``SCHEMAS.update``) in their AppConfig.ready(), or with a targeted
edit in the "Other endpoints" section at the end of PATHS.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse

JSON = "application/json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(_ref("Error"), description)


NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
SCHEMAS: dict[str, Any] = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
    "ArticleSummary": {
        "type": "object",
        "required": [
            "id",
            "url",
            "original_url",
            "title",
            "title_is_lead",
            "published",
            "source",
            "language",
        ],
        "properties": {
            "id": {"type": "integer"},
            "url": {"type": "string", "description": "The article's page here: a stable id."},
            "original_url": {"type": "string", "description": "Where the source published it."},
            "title": {"type": "string"},
            "title_is_lead": {"type": "boolean", "description": "No headline at source: the lead's start."},
            "published": NULLABLE_TIME,
            "published_is_estimate": {"type": "boolean", "description": "No date at source: first seen."},
            "source": {"type": "string", "description": "The source's slug."},
            "language": {"type": "string"},
        },
    },
    "Article": {
        "allOf": [
            _ref("ArticleSummary"),
            {
                "type": "object",
                "required": ["text", "html", "version_count"],
                "properties": {
                    "text": {"type": "string"},
                    "html": {"type": "string", "description": "Sanitised body HTML."},
                    "source_name": {"type": "string"},
                    "byline": {"type": "string"},
                    "version_count": {"type": "integer"},
                },
            },
        ]
    },
    "ArticlePage": {
        "type": "object",
        "required": ["items", "next"],
        "properties": {
            "items": {"type": "array", "items": _ref("ArticleSummary")},
            "next": {"type": ["string", "null"], "description": "The cursor of the next page, or null."},
        },
    },
    "Source": {
        "type": "object",
        "required": ["slug", "name", "edition", "language", "status", "articles"],
        "properties": {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "edition": {"type": "string"},
            "display_name": {"type": "string"},
            "language": {"type": "string"},
            "status": {"type": "string", "enum": ["new", "ok", "error", "rules-broken", "throttled"]},
            "last_polled": NULLABLE_TIME,
            "articles": {"type": "integer"},
        },
    },
    "SourceList": {
        "type": "object",
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": _ref("Source")}},
    },
}

PARAMETERS: dict[str, Any] = {
    "source": {
        "name": "source",
        "in": "query",
        "description": "A source slug; repeat for several.",
        "schema": {"type": "array", "items": {"type": "string"}},
        "style": "form",
        "explode": True,
    },
    "lang": {
        "name": "lang",
        "in": "query",
        "description": "A language code (BCP 47).",
        "schema": {"type": "string"},
    },
    "cursor": {
        "name": "cursor",
        "in": "query",
        "description": "From the previous page's next.",
        "schema": {"type": "string"},
    },
    "limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
}
FILTERS = [{"$ref": "#/components/parameters/source"}, {"$ref": "#/components/parameters/lang"}]
COMMON_ERRORS = {
    "400": _error("A malformed parameter; the message says which."),
    "401": _error("No or a bad token (private deployments, exports)."),
    "429": _error("Rate limit exceeded; see Retry-After."),
}


def _export(media_type: str, description: str) -> dict[str, Any]:
    return {
        "get": {
            "summary": description,
            "description": "Streamed; same filters as /articles. Needs the analyst role (session or token).",
            "parameters": FILTERS,
            "responses": {
                "200": {
                    "description": "The rows, newest first.",
                    "content": {media_type: {"schema": {"type": "string"}}},
                },
                "403": _error("The account's role does not allow exports."),
                **COMMON_ERRORS,
            },
        }
    }


PATHS: dict[str, Any] = {
    "/articles": {
        "get": {
            "summary": "The newstream, newest first, cursor paged.",
            "parameters": [
                *FILTERS,
                {"$ref": "#/components/parameters/cursor"},
                {"$ref": "#/components/parameters/limit"},
            ],
            "responses": {"200": _json(_ref("ArticlePage"), "One page."), **COMMON_ERRORS},
        }
    },
    "/articles/{id}": {
        "get": {
            "summary": "One article with its current version's text.",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "responses": {
                "200": _json(_ref("Article"), "The article."),
                "404": _error("No such article."),
                **COMMON_ERRORS,
            },
        }
    },
    "/sources": {
        "get": {
            "summary": "Every source with its health.",
            "responses": {"200": _json(_ref("SourceList"), "The sources."), **COMMON_ERRORS},
        }
    },
    "/export.csv": _export("text/csv", "The article list as CSV."),
    "/export.jsonl": _export("application/jsonl", "The article list as JSON Lines."),
    # Other endpoints: add them here (or PATHS.update in an AppConfig.ready()).
}


def spec(server_url: str = "/api/v1") -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Wirewatch API",
            "version": "1",
            "description": "Articles and sources as Wirewatch keeps them. See docs/api.md.",
        },
        "servers": [{"url": server_url}],
        "components": {
            "schemas": SCHEMAS,
            "parameters": PARAMETERS,
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{}, {"token": []}],
        "paths": PATHS,
    }


def openapi_json(request: HttpRequest) -> JsonResponse:
    return JsonResponse(spec(), json_dumps_params={"ensure_ascii": False})
