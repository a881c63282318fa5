"""The search index on PostgreSQL: tsvector columns with GIN indexes, fed with the same tokens as FTS5.

Same interface and same answers as the SQLite backend (backend.py): articles are analysed by analysis.py (kiwi
for Korean, bigrams for Chinese/Japanese, Snowball stems), and queries are compiled by compile.py. We never let
PostgreSQL's text parser or dictionaries near our tokens: documents are written as tsvector literals and query
terms as tsquery literals (https://www.postgresql.org/docs/current/datatype-textsearch.html), so each of our
tokens is one lexeme, exactly as FTS5's 'ascii' tokenizer keeps them.

The compiled MATCH expression (FTS5 syntax, built only by compile.py, never by users) is translated leaf by
leaf: ``{title body} : "a b"`` becomes ``exact @@ 'a' <-> 'b'``, ``"a"*`` a prefix lexeme ``'a':*``. The column
groups map to three tsvectors: exact (title, body), folded (title_f, body_f: dueum-folded) and uni (one CJK
character per token). Titles are labelled A and bodies D, and ts_rank weighs A four times D, as bm25 does.

Known difference: tsvector positions stop at 16,383, so in an article longer than that, a phrase near the end
may match words that are not adjacent (FTS5 has no such limit). Prefix queries use the GIN index too (':*').
"""

from __future__ import annotations

import re
from typing import Any

from django.db import connection
from django.db.models.expressions import RawSQL

from wirewatch.archive.models import Article, Version
from wirewatch.search.analysis import Indexed, index_document
from wirewatch.search.backend import (
    SearchPage,
    decode_relevance_cursor,
    filtered_articles,
    filters_clause,
    relevance_page,
    relevance_window,
)
from wirewatch.search.compile import compile_query
from wirewatch.search.datewalk import Spread, by_date, spread_of, with_related
from wirewatch.search.query import Filters, ParsedQuery
from wirewatch.web.paging import paginate

TABLE = "search_pgindex"
COLUMNS = {"{title body}": "exact", "{title_f body_f}": "folded", "{uni}": "uni"}
MAX_POSITION = 16383  # tsvector's limit (positions above are stored as this)
MAX_LEXEME_BYTES = 2046  # tsvector's limit is 2 KiB; no query term can be that long anyway
RANK_WEIGHTS = "'{0.25, 0.25, 0.25, 1.0}'"  # D, C, B, A: a title hit counts four times a body hit
# newest_ids() tests the newest PROBE rows one by one before choosing how to find the rest (see there).
PROBE = 600
# spread(): this many matches among them tell how common the match is well enough (±1/√20, about a fifth).
SPREAD_HITS = 20
_FTS_TOKEN = re.compile(r'\s*(\{[^}]*\}\s*:\s*"(?:[^"]|"")*"\*?|\(|\)|AND\b|OR\b|NOT\b)')
_LEAF = re.compile(r'(\{[^}]*\})\s*:\s*"((?:[^"]|"")*)"(\*?)')


def _lexeme(token: str) -> str:
    """A quoted tsvector/tsquery lexeme: ' doubled, \\ escaped (the input syntax's two special characters)."""
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def _vector(title: str, body: str) -> str:
    """A tsvector literal of two token streams: title lexemes labelled A, body D, a gap between them so that
    no phrase can run from the title into the body (FTS5 columns are separate)."""
    positions: dict[str, list[str]] = {}
    position = 0
    for stream, label in ((title, "A"), (body, "")):
        for token in stream.split():
            position = min(position + 1, MAX_POSITION)
            if len(token.encode()) <= MAX_LEXEME_BYTES:
                positions.setdefault(token, []).append(f"{position}{label}")
        position += 1
    return " ".join(f"{_lexeme(token)}:{','.join(where)}" for token, where in positions.items())


def _tsquery(phrase: str, prefix: bool) -> str:
    tokens = phrase.replace('""', '"').split()
    query = " <-> ".join(_lexeme(token) for token in tokens) or "''"
    return query + ":*" if prefix and len(tokens) == 1 else query


def translate(match: str) -> tuple[str, list[str], list[tuple[str, str]]]:
    """The FTS5 expression as an SQL condition on the index table, its parameters, and (column, tsquery) of
    each leaf for ranking. Raises ValueError on anything compile.py does not produce."""
    sql, params, leaves, at = [], [], [], 0
    while at < len(match.rstrip()):
        found = _FTS_TOKEN.match(match, at)
        if not found:
            raise ValueError(f"unexpected search expression at {at}")
        token, at = found.group(1), found.end()
        if leaf := _LEAF.fullmatch(token):
            column = COLUMNS[re.sub(r"\s+", " ", leaf.group(1))]
            query = _tsquery(leaf.group(2), bool(leaf.group(3)))
            leaves.append((column, query))
            if _follows_and_of_same_column(sql, params, column, query):
                sql.pop()  # the AND: one test of the column with both queries (see there)
                params[-1] = f"({params[-1]}) & ({query})"
                continue
            sql.append(f"{column} @@ %s::tsquery")
            params.append(query)
        else:
            sql.append("AND NOT" if token == "NOT" else token)
    return " ".join(sql), params, leaves


def _follows_and_of_same_column(sql: list[str], params: list[str], column: str, query: str) -> bool:
    """Whether the condition so far ends in "<column> @@ q AND" (q not negated), so that the next leaf on the
    same column can join q in one tsquery: ``v @@ (q1) & (q2)`` is true exactly when ``v @@ q1 AND v @@ q2``,
    and it reads the row's tsvector out of TOAST once instead of once per term ('Kim Jong Un' is three terms).
    AND binds tighter than OR in both syntaxes, so the pair was one operand anyway. Empty queries stay apart:
    tsquery drops an empty operand of &, which would turn "false AND q2" into "q2"."""
    return (
        len(sql) >= 2
        and sql[-1] == "AND"
        and sql[-2] == f"{column} @@ %s::tsquery"
        and (len(sql) < 3 or sql[-3] != "AND NOT")
        and "''" not in (params[-1], query)
    )


def _gin_cheaper(found: int, probed: int, highest: int, limit: int) -> bool:
    """Whether the GIN index's whole match list costs fewer row reads than testing rows further back, given
    that ``found`` of the newest ``probed`` rows matched (ids up to ``highest``, about that many rows): the
    walk back reads about (limit - found) / share rows, the match list share * highest (one heap visit each).
    None matched: the word is rarer than 1 in ``probed``, and the walk back may read every row."""
    if found == 0:
        return True
    share = found / probed
    return share * highest < (limit - found) / share


class PostgresBackend:
    """tsvector/GIN over our token streams; article_id = article id. Filters and order as in SQLiteBackend."""

    def index(self, article: Article, version: Version) -> None:
        self.index_many([(article.pk, index_document(version.title, version.text))])

    def index_many(self, documents: list[tuple[int, Indexed]]) -> None:
        rows = [
            [
                pk,
                _vector(d.title, d.body),
                _vector(d.title_folded, d.body_folded),
                _vector("", d.unigrams),
            ]
            for pk, d in documents
        ]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {TABLE} (article_id, exact, folded, uni) "
                "VALUES (%s, %s::tsvector, %s::tsvector, %s::tsvector) ON CONFLICT (article_id) DO UPDATE "
                "SET exact = EXCLUDED.exact, folded = EXCLUDED.folded, uni = EXCLUDED.uni",
                rows,
            )

    def delete(self, article_id: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE article_id = %s", [article_id])

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")

    def matching(self, match: str, *, few: bool = False) -> RawSQL:
        """The ids of the articles ``match`` (compile.py's expression) finds, as a subquery. ``few``: the caller
        expects few matches, fewer than the rows it would otherwise go through, so GIN's whole match list is
        read first (MATERIALIZED). Left to itself, the planner walks the articles' date index and tests row
        after row, each a read out of TOAST that it prices as nearly free (the rare-word case of newest_ids):
        'harvest' (1 article in 200) by date at 100k articles, 8,600 rows tested for one page."""
        condition, params, _ = translate(match)
        if few:
            listed = f"WITH found AS MATERIALIZED (SELECT article_id FROM {TABLE} WHERE {condition}) "
            return RawSQL(listed + "SELECT article_id FROM found", params)
        return RawSQL(f"SELECT article_id FROM {TABLE} WHERE {condition}", params)

    def newest_ids(self, match: str, limit: int, probe: int = PROBE) -> list[int]:
        """The highest ``limit`` matching ids. Testing one row reads its tsvector out of TOAST and decompresses
        it (5-25 µs), which the planner prices as one cheap operator call: from about a million articles on it
        walks the primary key back and tests row after row rather than ask the GIN index, 60,000 rows (0.5 s)
        for a word in one article of 200, whose 5,000 matches GIN lists at once. So the newest ``probe`` rows are
        tested first; the share that matched tells which costs fewer row reads for the rest (_gin_cheaper)."""
        return self._newest(match, self._probe(match, probe), limit, probe)

    def spread(self, match: str, small: int) -> Spread:
        """How common ``match`` is among the newest articles (datewalk.by_date's first question). When the probe
        of newest_ids finds SPREAD_HITS matches, their share says it: finding the rest of the newest ``small``
        meant walking back ~(small - hits) / share rows, each a read out of TOAST ('delegation', 1 article in
        22: ~6,000 rows, half its page's time at a million articles), for no better an answer to the question."""
        probed = self._probe(match, PROBE)
        found = [pk for pk, hit in probed if hit]
        if SPREAD_HITS <= len(found) < small and len(probed) == PROBE:
            return Spread(len(found) / (probed[0][0] - probed[-1][0] + 1), found[0])
        return spread_of(self._newest(match, probed, small, PROBE), small)

    def _probe(self, match: str, probe: int) -> list[tuple[int, bool]]:
        """(id, matches?) of the newest ``probe`` rows, newest first."""
        condition, params, _ = translate(match)
        return self._rows(
            f"SELECT article_id, ({condition}) FROM (SELECT article_id, exact, folded, uni FROM {TABLE} "
            "ORDER BY article_id DESC LIMIT %s) AS newest ORDER BY article_id DESC",
            [*params, probe],
        )

    def _newest(self, match: str, probed: list[tuple[int, bool]], limit: int, probe: int) -> list[int]:
        """newest_ids after its probe of the newest ``probe`` rows (``probed``): their matches, then the rest."""
        found = [pk for pk, hit in probed if hit][:limit]
        if len(found) == limit or len(probed) < probe:  # enough, or every row was tested
            return found
        condition, params, _ = translate(match)
        below, rest = probed[-1][0], limit - len(found)
        if _gin_cheaper(len(found), probe, probed[0][0], limit):
            # MATERIALIZED: the whole match list from the GIN index, never a walk back along the primary key.
            sql = (
                f"WITH matches AS MATERIALIZED (SELECT article_id FROM {TABLE} WHERE {condition}) "
                "SELECT article_id FROM matches WHERE article_id < %s ORDER BY article_id DESC LIMIT %s"
            )
            args = [*params, below, rest]
        else:
            sql = (
                f"SELECT article_id FROM {TABLE} WHERE article_id < %s AND ({condition}) "
                "ORDER BY article_id DESC LIMIT %s"
            )
            args = [below, *params, rest]
        return found + [row[0] for row in self._rows(sql, args)]

    def ids_in_range(self, match: str, low: int, high: int) -> list[int]:
        condition, params, _ = translate(match)
        sql = f"SELECT article_id FROM {TABLE} WHERE article_id BETWEEN %s AND %s AND ({condition})"
        return [row[0] for row in self._rows(sql, [low, high, *params])]

    def search(
        self, query: ParsedQuery, *, dueum: bool, sort: str, cursor: str | None, limit: int
    ) -> SearchPage:
        match = compile_query(query.tree, dueum)[0] if query.tree is not None else None
        articles = filtered_articles(query.filters)
        if match is None:
            page = paginate(with_related(articles), cursor, limit)
            return SearchPage(page.items, page.next_cursor)
        if sort == "relevance":
            return self._by_relevance(match, query.filters, cursor, limit)
        page = by_date(self, match, with_related(articles), cursor, limit)
        return SearchPage(page.items, page.next_cursor)

    def _by_relevance(self, match: str, filters: Filters, cursor: str | None, limit: int) -> SearchPage:
        condition, params, leaves = translate(match)
        # Lower is better, as with bm25, so that the cursor means the same on both backends.
        score = (
            "-("
            + " + ".join(f"ts_rank({RANK_WEIGHTS}, {col}, %s::tsquery)" for col, _ in leaves)
            + ")::float8"
        )
        score_params = [query for _, query in leaves]
        where, where_params = filters_clause(filters, "article_id")
        if not cursor:
            return self._first_relevance_page(
                condition, [*params, *where_params], where, score, score_params, limit
            )
        start = decode_relevance_cursor(cursor)  # later pages rank the first page's window
        if start.low is not None:
            where, where_params = where + " AND article_id >= %s", [*where_params, start.low]
        if start.pk is not None:
            where += f" AND ({score} > %s OR ({score} = %s AND article_id > %s))"
            where_params += [*score_params, start.score, *score_params, start.score, start.pk]
        sql = (
            f"SELECT article_id, {score} AS score FROM {TABLE} WHERE ({condition}) {where} "
            f"ORDER BY score, article_id LIMIT %s"
        )
        rows = self._rows(sql, [*score_params, *params, *where_params, limit + 1])
        return relevance_page(rows, limit, start.low)

    def _first_relevance_page(
        self, condition: str, params: list[Any], where: str, score: str, score_params: list[str], limit: int
    ) -> SearchPage:
        """The window as in SQLiteBackend (the newest N matches after the filters, ranked) in one statement.
        Finding the window tests each candidate row's tsvector; a second statement that ranked "ids from the
        window's lowest up" tested all those rows again. Here the window's ids are found once (MATERIALIZED:
        before any score is computed) and only those rows are read again, by id, for their score."""
        size = relevance_window()
        sql = (
            f"WITH found AS MATERIALIZED (SELECT article_id FROM {TABLE} WHERE ({condition}) {where} "
            "ORDER BY article_id DESC LIMIT %s), "
            "ranked AS MATERIALIZED (SELECT article_id FROM found ORDER BY article_id DESC LIMIT %s) "
            f"SELECT article_id, {score} AS score, "
            "(SELECT count(*) FROM found), (SELECT min(article_id) FROM ranked) "
            f"FROM {TABLE} WHERE article_id IN (SELECT article_id FROM ranked) "
            "ORDER BY score, article_id LIMIT %s"
        )
        rows = self._rows(sql, [*params, size + 1, size, *score_params, limit + 1])
        low = rows[0][3] if rows and rows[0][2] > size else None
        return relevance_page([row[:2] for row in rows], limit, low)

    def _rows(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        with connection.cursor() as db:
            db.execute(sql, params)
            return db.fetchall()
