"""The article queries behind the pages and the API: one place that knows how lists are filtered.

Lists never load version text: Article carries the title, dates and language denormalised from its
current version for exactly this reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.http import QueryDict

from wirewatch.archive.models import Article
from wirewatch.sources.models import Source
from wirewatch.web.paging import BadQuery

RAIL_SIZE = 20
MAX_SOURCE_FILTERS = 50
# BCP 47 tags are letters, digits and hyphens (RFC 5646 section 2.1); 35 characters is ample for ours.
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")
_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,100}$")
# Only the columns a list shows; never the Version rows.
_LIST_FIELDS = (
    "id",
    "url",
    "title",
    "title_is_lead",
    "language",
    "published",
    "published_is_estimate",
    "removed_at",
    "source__slug",
    "source__name",
    "source__edition",
    "source__language",
    "source__timezone",
)


@dataclass(frozen=True)
class StreamFilters:
    sources: list[str] = field(default_factory=list)
    language: str = ""


def parse_stream_filters(params: QueryDict) -> StreamFilters:
    """``?source=<slug>`` (repeatable) and ``?lang=<code>``; BadQuery for malformed values."""
    sources = [slug for slug in params.getlist("source") if slug]
    if len(sources) > MAX_SOURCE_FILTERS:
        raise BadQuery(f"At most {MAX_SOURCE_FILTERS} sources at once.")
    for slug in sources:
        if not _SLUG.match(slug):
            raise BadQuery("A source must be given by its slug (letters, digits, hyphens).")
    language = params.get("lang", "")
    if language and not _LANGUAGE_TAG.match(language):
        raise BadQuery("lang must be a language code such as en, ko or zh-Hans.")
    return StreamFilters(sources=sources, language=language)


def article_list() -> QuerySet[Article]:
    """All articles with their source joined, only list columns."""
    return Article.objects.select_related("source").only(*_LIST_FIELDS)


def stream(filters: StreamFilters) -> QuerySet[Article]:
    """The newstream: every source, narrowed by ``filters``. Ordering is the pager's job."""
    queryset = article_list()
    if filters.sources:
        queryset = queryset.filter(source__slug__in=filters.sources)
    if filters.language:
        # Language tags are case-insensitive (RFC 5646 section 2.1.1). lower(language) = the lowered tag, not
        # iexact (LIKE / UPPER()): the article_lang_ci_stream index serves exactly this expression. Tags are
        # ASCII (_LANGUAGE_TAG), so Python's and SQL's lower() agree.
        queryset = queryset.alias(language_ci=Lower("language")).filter(language_ci=filters.language.lower())
    return queryset


def of_source(source: Source, exclude_id: int | None = None) -> QuerySet[Article]:
    queryset = article_list().filter(source=source)
    if exclude_id is not None:
        queryset = queryset.exclude(pk=exclude_id)
    return queryset


def article_with_version(pk: int) -> Article | None:
    """One article with its source and current version, or None."""
    # The version's text and HTML live in blobs (archive/models.py): joined here, so the page stays one query.
    related = ("source", "current_version", "current_version__text_blob", "current_version__html_blob")
    return Article.objects.select_related(*related).filter(pk=pk).first()


def stream_languages() -> list[str]:
    """The languages the sources are in, for the stream's filter form."""
    return sorted(set(Source.objects.values_list("language", flat=True)))
