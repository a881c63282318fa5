"""The search index behind one interface: SQLite FTS5 now, PostgreSQL (tsvector/GIN) later with the same results.

A backend receives the parsed query (AST + filters), never user text, and answers one page of articles in the
requested order with an opaque cursor. Only each article's *current* version is indexed: a search can never
find or show the text of a version the reader cannot see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any, Protocol

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.db.models.expressions import RawSQL

from wirewatch.archive.models import Article, Version
from wirewatch.search.analysis import Indexed, index_document, index_documents
from wirewatch.search.compile import compile_query
from wirewatch.search.datewalk import Spread, by_date, spread_of, with_related
from wirewatch.search.query import Filters, ParsedQuery, QueryError
from wirewatch.web.paging import BadQuery, paginate

SORTS = ("date", "relevance")
# bm25 weights per column (title, body, title_f, body_f, uni): a hit in the headline counts four times.
_BM25 = "bm25(search_index, 4.0, 1.0, 4.0, 1.0, 1.0)"
_relevance_signer = signing.Signer(salt="wirewatch.search.relevance-cursor", sep=".")


@dataclass(frozen=True)
class SearchPage:
    items: list[Article]
    next_cursor: str | None
    window: int | None = None  # relevance order: more matched than this, only the newest this many ranked


class SearchBackend(Protocol):
    def index(self, article: Article, version: Version) -> None: ...
    def index_many(self, documents: list[tuple[int, Indexed]]) -> None: ...
    def delete(self, article_id: int) -> None: ...
    def matching(self, match: str, *, few: bool = False) -> RawSQL: ...
    def newest_ids(self, match: str, limit: int) -> list[int]: ...
    def spread(self, match: str, small: int) -> Spread: ...
    def ids_in_range(self, match: str, low: int, high: int) -> list[int]: ...
    def clear(self) -> None: ...
    def search(
        self, query: ParsedQuery, *, dueum: bool, sort: str, cursor: str | None, limit: int
    ) -> SearchPage: ...


def entity_article_ids(slug: str) -> Any:
    """The entities app's answer (a values_list QuerySet), or a clear error while that app does not offer it."""
    try:
        from wirewatch.entities.queries import article_ids_mentioning
    except ImportError:
        raise QueryError("The entity: filter is not available yet on this server.") from None
    return article_ids_mentioning(slug)


def _day_start(day: Any) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def filtered_articles(filters: Filters) -> Any:
    """An Article QuerySet restricted by the query's field filters (dates are UTC days, ``to`` inclusive)."""
    articles = Article.objects.filter(current_version__isnull=False)
    if filters.sources:
        articles = articles.filter(source__slug__in=filters.sources)
    if filters.languages:
        articles = articles.filter(language__in=filters.languages)
    if filters.date_from:
        articles = articles.filter(published__gte=_day_start(filters.date_from))
    if filters.date_to:
        articles = articles.filter(published__lt=_day_start(filters.date_to) + timedelta(days=1))
    for slug in filters.entities:
        articles = articles.filter(id__in=entity_article_ids(slug))
    return articles


def filters_clause(filters: Filters, column: str) -> tuple[str, list]:
    """``AND <column> IN (<the filtered articles>)`` and its parameters; nothing when there are no filters."""
    if filters == Filters():
        return "", []
    subquery, params = filtered_articles(filters).values("id").query.get_compiler("default").as_sql()
    return f"AND {column} IN ({subquery})", list(params)


def _in_order(ids: list[int]) -> list[Article]:
    found = with_related(Article.objects).in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def relevance_window() -> int:
    """N: relevance ranks the newest N matches (docs/search.md, "Relevance")."""
    return max(1, int(settings.WIREWATCH_SEARCH_RELEVANCE_WINDOW))


@dataclass(frozen=True)
class RelevanceStart:
    """Where a relevance page starts: after (score, pk), among the matches with id >= low (None: all)."""

    score: float | None
    pk: int | None
    low: int | None


def _relevance_cursor(score: float, pk: int, low: int | None) -> str:
    # The window's oldest id travels with the cursor: every page ranks the same matches, whatever arrives.
    return _relevance_signer.sign_object([score, pk, low])


def decode_relevance_cursor(token: str) -> RelevanceStart:
    invalid = BadQuery("The cursor is not valid; use the link from the previous page.")
    try:
        # Cursors made before the window had two fields; their first page ranked every match, so do theirs.
        score, pk, *rest = _relevance_signer.unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        raise invalid from None
    low = rest[0] if rest else None
    if (
        len(rest) > 1
        or not all(isinstance(v, int) for v in (pk, low or 0))
        or not isinstance(score, int | float)
    ):
        raise invalid
    return RelevanceStart(float(score), pk, low)


def relevance_start(cursor: str | None, newest_ids: Callable[[int], list[int]]) -> RelevanceStart:
    """The cursor's start, or a first page's window: ``newest_ids(n)`` gives the highest n ids matching (after
    the filters); when there are more than N, only ids from the N-th up are ranked."""
    if cursor:
        return decode_relevance_cursor(cursor)
    size = relevance_window()
    newest = newest_ids(size + 1)
    return RelevanceStart(None, None, newest[size - 1] if len(newest) > size else None)


def relevance_page(rows: list[tuple[Any, ...]], limit: int, low: int | None) -> SearchPage:
    """A page from ``limit + 1`` rows of (id, score), best first."""
    items = _in_order([row[0] for row in rows[:limit]])
    last = rows[limit - 1] if len(rows) > limit else None
    next_cursor = _relevance_cursor(last[1], last[0], low) if last else None
    return SearchPage(items, next_cursor, relevance_window() if low is not None else None)


class SQLiteBackend:
    """FTS5 over our token streams; rowid = article id. Filters and order come from a join with the articles."""

    def index(self, article: Article, version: Version) -> None:
        self.index_many([(article.pk, index_document(version.title, version.text))])

    def index_many(self, documents: list[tuple[int, Indexed]]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany("DELETE FROM search_index WHERE rowid = %s", [[pk] for pk, _ in documents])
            cursor.executemany(
                "INSERT INTO search_index (rowid, title, body, title_f, body_f, uni) VALUES (%s, %s, %s, %s, %s, %s)",
                [[pk, d.title, d.body, d.title_folded, d.body_folded, d.unigrams] for pk, d in documents],
            )

    def delete(self, article_id: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_index WHERE rowid = %s", [article_id])

    def matching(self, match: str, *, few: bool = False) -> RawSQL:
        """The ids of the articles ``match`` (compile.py's expression) finds, as a subquery. ``few`` changes
        nothing here: SQLite runs such an ``IN`` as a list of FTS5's matches first anyway."""
        return RawSQL("SELECT rowid FROM search_index WHERE search_index MATCH %s", [match])

    def newest_ids(self, match: str, limit: int) -> list[int]:
        """The highest ``limit`` matching ids: FTS5 reads its doclists from the end and stops (no sort)."""
        sql = "SELECT rowid FROM search_index WHERE search_index MATCH %s ORDER BY rowid DESC LIMIT %s"
        return [row[0] for row in self._rows(sql, [match, limit])]

    def spread(self, match: str, small: int) -> Spread:
        return spread_of(self.newest_ids(match, small), small)

    def ids_in_range(self, match: str, low: int, high: int) -> list[int]:
        """The matching ids from ``low`` to ``high``: FTS5 seeks to ``low`` in each doclist."""
        sql = "SELECT rowid FROM search_index WHERE search_index MATCH %s AND rowid BETWEEN %s AND %s"
        return [row[0] for row in self._rows(sql, [match, low, high])]

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_index")

    def search(
        self, query: ParsedQuery, *, dueum: bool, sort: str, cursor: str | None, limit: int
    ) -> SearchPage:
        match = compile_query(query.tree, dueum)[0] if query.tree is not None else None
        articles = filtered_articles(query.filters)
        if match is None:  # filters only: the newstream's own paging
            page = paginate(with_related(articles), cursor, limit)
            return SearchPage(page.items, page.next_cursor)
        if sort == "relevance":
            return self._by_relevance(match, query.filters, cursor, limit)
        # Date order: the newstream's order and cursor, walked (datewalk.py) rather than sorted.
        page = by_date(self, match, with_related(articles), cursor, limit)
        return SearchPage(page.items, page.next_cursor)

    def _rows(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        with connection.cursor() as db:
            db.execute(sql, params)
            return db.fetchall()

    def _by_relevance(self, match: str, filters: Filters, cursor: str | None, limit: int) -> SearchPage:
        # FTS5 drives; filters, when any, are a subquery on the articles, tested per match ('+': not offered to
        # FTS5 as rowid = constraints, one doclist seek per filtered article: 15 s at 100k with a source filter).
        # The window's bound is a rowid range, which FTS5 seeks to: bm25 is computed for the window's rows only
        # (its idf still counts every match of each phrase once per query: FTS5's bm25 asks xQueryPhrase).
        where, params = filters_clause(filters, "+search_index.rowid")
        start = relevance_start(cursor, lambda n: self._newest_filtered(match, where, params, n))
        if start.low is not None:
            where, params = where + " AND search_index.rowid >= %s", [*params, start.low]
        if start.pk is not None:
            where += f" AND ({_BM25} > %s OR ({_BM25} = %s AND search_index.rowid > %s))"
            params = [*params, start.score, start.score, start.pk]
        sql = (
            f"SELECT search_index.rowid, {_BM25} FROM search_index "
            f"WHERE search_index MATCH %s {where} "
            f"ORDER BY {_BM25}, search_index.rowid LIMIT %s"
        )
        return relevance_page(self._rows(sql, [match, *params, limit + 1]), limit, start.low)

    def _newest_filtered(self, match: str, where: str, params: list[Any], limit: int) -> list[int]:
        """The highest ``limit`` ids that match and pass the filters: FTS5 walks its doclists from the end."""
        sql = (
            f"SELECT search_index.rowid FROM search_index WHERE search_index MATCH %s {where} "
            "ORDER BY search_index.rowid DESC LIMIT %s"
        )
        return [row[0] for row in self._rows(sql, [match, *params, limit])]


def get_backend() -> SearchBackend:
    if connection.vendor == "sqlite":
        return SQLiteBackend()
    if connection.vendor == "postgresql":
        from wirewatch.search.postgres import PostgresBackend

        return PostgresBackend()
    raise NotImplementedError(f"No search backend for {connection.vendor}: use SQLite or PostgreSQL.")


def rebuild(
    backend: SearchBackend, progress: Callable[[int, int], None] | None = None, batch: int = 200
) -> int:
    """Index every article's current version again; one short transaction per batch. Returns the count."""
    articles = Article.objects.filter(current_version__isnull=False).select_related(
        "current_version__text_blob"
    )
    total, done, last_id = articles.count(), 0, 0
    with transaction.atomic():
        backend.clear()
    while True:
        chunk = list(articles.filter(id__gt=last_id).order_by("id")[:batch])
        if not chunk:
            return done
        _index_chunk(backend, chunk)
        done, last_id = done + len(chunk), chunk[-1].pk
        if progress:
            progress(done, total)


def _index_chunk(backend: SearchBackend, chunk: list[Article]) -> None:
    analysed = index_documents([(a.current_version.title, a.current_version.text) for a in chunk])
    with transaction.atomic():
        backend.index_many(
            [(article.pk, document) for article, document in zip(chunk, analysed, strict=True)]
        )
