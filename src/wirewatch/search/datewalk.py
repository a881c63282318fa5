"""Date-ordered search (the default order) at a cost that does not grow with the archive.

The plain way — every matching article id from the index, joined to the articles, sorted by date, first 21 —
costs as much as the whole match list: a common word in a million articles is hundreds of thousands of rows
sorted to show twenty. The index cannot hand out matches by date itself, because its key (FTS5 rowid, the
PostgreSQL table's primary key) is the article id, and ids follow arrival, not publication.

So the walk goes the other way round. It reads the newstream's own (published, id) index newest first, from
the cursor, a chunk at a time, and asks the index only which ids *of that chunk* match: one range query per
run of nearby ids (``rowid BETWEEN lo AND hi``, which FTS5 and a B-tree both answer by seeking, at the cost of
the matches inside the range). Articles come out in exactly the newstream's order, so the page and its cursor
are the newstream's, and the answer is the same as the plain way's on any data. It is fast when the ids of a
date window lie close together — in an archive that grows as news arrives, they do — and the cost per page is
then about (page size / share of articles that match) rows, whatever the archive's size.

Two cases would make the walk long, and go the plain way instead, whose cost is then small or unavoidable:
- few matches overall: the newest ``small`` matches by id are fetched first; fewer than that means this is
  the whole match list, which is sorted directly;
- a rarer word: the spread of ids among the newest matches predicts a walk longer than ``walk_limit``, or
  costlier than sorting the matches it predicts (``walk_cost``);
- a walk past ``walk_limit`` articles or ``probe_limit`` range queries (ids scattered across dates, as after
  a large import of old articles interleaved with new ones): the plain way from there.
"""

from __future__ import annotations

import bisect
import contextlib
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, NamedTuple, Protocol

from django.db import connections
from django.db.models import QuerySet

from wirewatch.archive.models import Article
from wirewatch.web.paging import Page, after, decode_cursor, encode_cursor, newest_first, paginate

# A source's crawl configuration (JSON, parsed per row) is never shown in results: not loaded with them.
_SOURCE_CONFIG = ("source__feeds", "source__listings", "source__sitemaps", "source__rules")


def with_related(articles: QuerySet[Article]) -> QuerySet[Article]:
    """``articles`` with what a result shows: the source and the current text (for the snippet)."""
    return articles.select_related("source", "current_version__text_blob").defer(*_SOURCE_CONFIG)


class Spread(NamedTuple):
    """How common a match is among the newest articles: ``share`` of the ids from ``highest`` (the newest
    match's) down match. ``every``: all the matches, when the index found fewer than it was asked for."""

    share: float
    highest: int
    every: list[int] | None = None


def spread_of(newest: list[int], small: int) -> Spread:
    """The spread of the newest ``small`` matching ids (``newest``, highest first, fewer if that is all)."""
    if len(newest) < small:
        return Spread(0.0, 0, newest)
    return Spread(len(newest) / (newest[0] - newest[-1] + 1), newest[0])


class RangeIndex(Protocol):
    def matching(self, match: str, *, few: bool = False) -> Any: ...
    def spread(self, match: str, small: int) -> Spread: ...
    def ids_in_range(self, match: str, low: int, high: int) -> list[int]: ...


MAX_CHUNK = 8000  # rows a step reads at most: a word in 1 article of 200 takes one step (~5,300 rows)


class _Vanished(Exception):
    """An article the walk stands on was deleted while it walked."""


@dataclass(frozen=True)
class Sizes:
    small: int = 300  # at most this many matches: sort them all (the first query tells)
    chunk: int = 250  # newstream rows a step reads at least
    gap: int = 64  # ids this close together share one range query (the ids between are matched too)
    walk_limit: int = 20_000  # rows walked before giving up on the walk
    probe_limit: int = 40  # range queries before giving up (ids scattered across dates)
    # A walked row costs about a twentieth of a match sorted the plain way, now that the walk reads the stream
    # index alone (archive/0004; SQLite, 1M articles: 5,232 rows in 1.3 ms, ~0.25 µs each, against ~5 µs per
    # match sorted). At 100k articles, by_date of a word in 1 article of 200 (500 matches, walked rather than
    # sorted since): 3.85 -> 3.44 ms on SQLite, 10.81 -> 8.58 ms on PostgreSQL; 1 in 100: 5.60 -> 2.51 and
    # 14.12 -> 8.44 ms (same pages).
    walk_cost: float = 0.05


def by_date(
    index: RangeIndex,
    match: str,
    articles: QuerySet[Article],
    cursor: str | None,
    limit: int,
    sizes: Sizes = Sizes(),
) -> Page:
    """One page of ``articles`` (a filtered Article QuerySet) that ``match`` finds, newest first."""
    position = decode_cursor(cursor) if cursor else None
    spread = index.spread(match, sizes.small)
    if spread.every is not None:  # the whole match list, and a short one
        return paginate(articles.filter(id__in=spread.every), cursor, limit)
    # How common the newest matches are tells how far the walk would go, and about how many matches the plain
    # way would sort (ids start at 1).
    expected_walk, expected_matches = (limit + 1) / spread.share, spread.share * spread.highest
    found = None
    if expected_walk <= sizes.walk_limit and expected_walk * sizes.walk_cost <= expected_matches:
        with contextlib.suppress(_Vanished):  # then the plain way below
            # First chunk: the expected walk and a quarter more, so that most pages take one chunk query.
            first = min(max(sizes.chunk, int(expected_walk * 1.25)), MAX_CHUNK)
            found = _walk(index, match, articles, position, limit + 1, first, sizes)
    if found is None:
        # ``few``: fewer matches than the rows a walk would read, so the index should list them all before
        # anything is sorted (PostgreSQL's planner would rather test article after article along the date index)
        matches = index.matching(match, few=expected_matches < expected_walk)
        return paginate(articles.filter(id__in=matches), cursor, limit)
    return _page(found, limit)


def _walk(
    index: RangeIndex, match: str, articles: Any, position: Any, wanted: int, first: int, sizes: Sizes
) -> list[int] | None:
    """The ids of the first ``wanted`` matches in newstream order, or None once the walk grows too long."""
    known = _KnownRanges()
    found: list[int] = []
    walked = probes = 0
    size = first
    while True:
        chunk = _chunk(articles, position, size)
        ranges = _ranges(known.unknown(chunk), sizes.gap)
        probes += len(ranges)
        if probes > sizes.probe_limit:
            return None
        for low, high in ranges:
            known.add(low, high, index.ids_in_range(match, low, high))
        found += [pk for pk in chunk if pk in known.matched]  # a set test inline: ~5,000 ids a step
        if len(found) >= wanted:
            return found[:wanted]
        walked += len(chunk)
        if len(chunk) < size:  # the end of the newstream
            return found
        if walked >= sizes.walk_limit:
            return None
        position = _position_of(chunk[-1])
        size = _next_size(wanted - len(found), len(found) / walked, size, sizes)


def chunk_query(articles: Any, position: Any, size: int) -> QuerySet[Article]:
    """The ids of the next ``size`` articles after ``position``, newest first (keyset, like the pager).

    A walk of the newstream's index alone: the index also holds ``current_version`` (the only column search's
    own filter tests), so no article row is read (1M articles, SQLite, 5,200 ids: 2.0 ms with a row lookup each,
    1.2 ms without)."""
    queryset = newest_first(articles)
    if position is not None:
        queryset = after(queryset, *position)
    return queryset.values_list("id")[:size]


def _chunk(articles: Any, position: Any, size: int) -> list[int]:
    """``chunk_query``'s ids, read straight from the cursor: through the ORM's row iteration a chunk of 4,000
    ids cost about 1 µs a row more (a third of a 'harvest' page at a million articles, on PostgreSQL)."""
    queryset = chunk_query(articles, position, size)
    sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _position_of(pk: int) -> tuple[Any, int]:
    """The newstream key of the chunk's last id, where the next chunk starts (converting every row's date to a
    datetime cost more than this query)."""
    published = Article.objects.filter(pk=pk).values_list("published", flat=True).first()
    if published is None:  # deleted meanwhile: no key to go on from
        raise _Vanished
    return published, pk


def _next_size(missing: int, share: float, size: int, sizes: Sizes) -> int:
    """The next chunk: twice the rows that should hold the ``missing`` matches at the ``share`` seen so far
    (so that one more chunk nearly always ends the walk), or twice the last one when nothing matched yet."""
    wanted = 2 * missing / share if share else 2 * size
    return min(max(int(wanted), sizes.chunk), MAX_CHUNK)


def _ranges(ids: list[int], gap: int) -> list[tuple[int, int]]:
    """Sorted ``ids`` grouped into (low, high) runs whose neighbours are at most ``gap`` apart."""
    if not ids:
        return []
    ordered = sorted(ids)
    runs: list[tuple[int, int]] = []
    low = ordered[0]
    # Neighbours paired by itertools.pairwise (C): the loop body is one subtraction per id, a run built at a break
    # (5,200 ids: 0.10 ms against 0.37 ms for growing the last run id by id).
    for before, pk in pairwise(ordered):
        if pk - before > gap:
            runs.append((low, before))
            low = pk
    runs.append((low, ordered[-1]))
    return runs


class _KnownRanges:
    """Which id ranges the index has been asked about, and which ids in them matched."""

    def __init__(self) -> None:
        self.lows: list[int] = []  # sorted by low; a range may lie inside a later, wider one
        self.highs: list[int] = []
        self.matched: set[int] = set()

    def covered(self, pk: int) -> bool:
        at = bisect.bisect_right(self.lows, pk) - 1
        return at >= 0 and pk <= self.highs[at]

    def unknown(self, ids: list[int]) -> list[int]:
        if not self.lows:  # the first chunk: a bisection per id for nothing
            return ids
        return [pk for pk in ids if not self.covered(pk)]

    def add(self, low: int, high: int, matched: list[int]) -> None:
        # A new run may span an older range (its ends were unknown, the middle known): covered() then sees
        # only one of the two and may ask the index again about an id, never wrongly call an id known.
        at = bisect.bisect_left(self.lows, low)
        self.lows.insert(at, low)
        self.highs.insert(at, high)
        self.matched.update(matched)


def _page(ids: list[int], limit: int) -> Page:
    found = with_related(Article.objects).in_bulk(ids)
    items = [found[pk] for pk in ids if pk in found]
    next_cursor = encode_cursor(items[limit - 1]) if len(items) > limit else None
    return Page(items[:limit], next_cursor)
