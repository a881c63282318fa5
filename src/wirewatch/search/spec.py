"""The OpenAPI description of ``GET /api/v1/search`` (api/openapi.py), registered when SearchConfig is ready, so
the schemathesis test (tests/api/test_openapi.py) holds the search API to it like the rest of the API."""

from __future__ import annotations

from wirewatch.api import openapi

openapi.SCHEMAS.update({
    "SearchPage": {
        "type": "object",
        "required": ["items", "next", "ranked_among_newest", "notice"],
        "properties": {
            "items": {"type": "array", "items": {"allOf": [
                openapi._ref("ArticleSummary"),
                {"type": "object", "required": ["snippet"], "properties": {"snippet": {
                    "type": "string", "description": "HTML: the matched words in <mark>, everything else escaped."}}},
            ]}},
            "next": {"type": ["string", "null"], "description": "The cursor of the next page, or null."},
            "ranked_among_newest": {"type": ["integer", "null"], "description": (
                "Relevance order only: more matched than this many, and only the newest this many were ranked.")},
            "notice": {"type": ["string", "null"], "description": "The same, in words for a reader."},
        },
    },
})  # fmt: skip
openapi.PATHS.update({
    "/search": {"get": {
        "summary": "Full-text search (docs/search.md: words, phrases, OR, NOT, prefixes, source:, lang:, dates).",
        "parameters": [
            {"name": "q", "in": "query", "required": True, "schema": {"type": "string", "minLength": 1},
             "description": "The query; a malformed one is a 400 saying what is wrong."},
            {"name": "sort", "in": "query", "schema": {"enum": ["date", "relevance"]}},
            {"name": "dueum", "in": "query", "schema": {"enum": ["1", "0"]},
             "description": "Match the northern and southern spellings of initial ㄹ/ㄴ alike (default 1)."},
            {"$ref": "#/components/parameters/cursor"},
            {"$ref": "#/components/parameters/limit"},
        ],
        "responses": {"200": openapi._json(openapi._ref("SearchPage"), "One page of matches."),
                      **openapi.COMMON_ERRORS},
    }},
})  # fmt: skip
