"""Keyset ("cursor") paging over articles, newest first, shared by the pages and the JSON API.

Why keyset rather than page numbers: the watcher inserts articles while people read. With OFFSET, every new
article shifts each later page by one, so a reader sees an item twice or misses one. A cursor names the last
item shown by its sort key (published, id); the next page is "everything strictly after that key", which new
(newer) articles cannot disturb. The (published, id) pair is unique because id is, so ties on published are
broken exactly, and the composite indexes on Article serve the query.

The token is signed with django.core.signing, so that a forged or truncated cursor is told apart from a valid
one and answered with a 400 instead of an odd page or a crash.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core import signing
from django.db.models import Q, QuerySet

from wirewatch.archive.models import Article

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_CURSOR_LENGTH = 512
# A separator outside the base64url alphabet that needs no percent-encoding in a query string.
_signer = signing.Signer(salt="wirewatch.paging.cursor", sep=".")


class BadQuery(ValueError):
    """A query parameter we cannot honour; its message is shown to the user (page or JSON)."""


@dataclass(frozen=True)
class Page:
    items: list[Article]
    next_cursor: str | None


def encode_cursor(article: Article) -> str:
    """An opaque, url-safe token that names ``article``'s position in newest-first order."""
    published = article.published.astimezone(UTC).isoformat()
    return _signer.sign_object([published, article.pk])


def decode_cursor(token: str) -> tuple[datetime, int]:
    """The (published, id) that ``token`` names. Raises BadQuery for anything we did not issue."""
    if len(token) > MAX_CURSOR_LENGTH:
        raise BadQuery("The cursor is too long; use the link from the previous page.")
    try:
        payload: Any = _signer.unsign_object(token)
    except (signing.BadSignature, ValueError, UnicodeError):
        raise BadQuery("The cursor is not valid; use the link from the previous page.") from None
    try:
        published_text, pk = payload
        published = datetime.fromisoformat(published_text)
    except (TypeError, ValueError):
        raise BadQuery("The cursor is not valid; use the link from the previous page.") from None
    if not isinstance(pk, int) or published.tzinfo is None:
        raise BadQuery("The cursor is not valid; use the link from the previous page.")
    return published, pk


def whole_number(raw: str, max_digits: int = 18) -> int | None:
    """``raw`` as a non-negative int if it is ASCII digits only, else None. str.isdigit() alone is not enough:
    it accepts "²" and other Unicode digits that int() then rejects."""
    if raw.isascii() and raw.isdigit() and len(raw) <= max_digits:
        return int(raw)
    return None


def parse_limit(raw: str | None, default: int = DEFAULT_PAGE_SIZE) -> int:
    """A page size from a query parameter: 1..MAX_PAGE_SIZE, else BadQuery."""
    if raw is None:  # given but empty is a mistake worth saying, not the default
        return default
    limit = whole_number(raw, max_digits=4)
    if limit is None or not 1 <= limit <= MAX_PAGE_SIZE:
        raise BadQuery(f"limit must be a whole number from 1 to {MAX_PAGE_SIZE}.")
    return limit


def newest_first(queryset: QuerySet[Article]) -> QuerySet[Article]:
    return queryset.order_by("-published", "-id")


def after(queryset: QuerySet[Article], published: datetime, pk: int) -> QuerySet[Article]:
    """The items strictly after position (published, pk) in newest-first order."""
    return queryset.filter(Q(published__lt=published) | Q(published=published, id__lt=pk))


def paginate(queryset: QuerySet[Article], cursor: str | None, limit: int = DEFAULT_PAGE_SIZE) -> Page:
    """One page of ``queryset`` (newest first) after ``cursor`` (None or "" = from the newest)."""
    queryset = newest_first(queryset)
    if cursor:
        queryset = after(queryset, *decode_cursor(cursor))
    # One extra row tells whether a next page exists without a COUNT query.
    rows = list(queryset[: limit + 1])
    items = rows[:limit]
    next_cursor = encode_cursor(items[-1]) if len(rows) > limit else None
    return Page(items, next_cursor)
