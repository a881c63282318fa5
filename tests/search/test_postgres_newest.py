"""PostgreSQL's newest matches (search/postgres.py newest_ids): a probe of the newest rows, then either a walk
back along the primary key or the GIN index's whole match list, whichever reads fewer rows. Either way exactly
the answer of the single query it replaces, which from a million articles on tested every row of a rare word's
archive one by one (14 s for a word in no article at a million; bench/scale.py --database postgres). And the
condition itself: ANDed terms of one column are tested as one tsquery, selecting the same rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_source
from tests.search.helpers import indexed, pages
from wirewatch.archive.models import Article
from wirewatch.search import postgres
from wirewatch.search.compile import compile_query
from wirewatch.search.datewalk import Sizes, spread_of
from wirewatch.search.postgres import TABLE, PostgresBackend, _gin_cheaper, translate
from wirewatch.search.query import parse
from wirewatch.web.paging import newest_first

QUERIES = [
    "report",  # every article
    "harvest",  # every 2nd
    "missile",  # every 17th
    '"Kim Jong Un"',  # every 5th, a phrase (PostgreSQL re-reads the rows GIN finds)
    "harvest -missile",
    "missile OR rocket",  # every 17th or 29th
    "nowhere",  # none
]


def _archive() -> None:
    source = make_source()
    for n in range(120):
        words = [w for w, every in (("harvest", 2), ("missile", 17), ("rocket", 29)) if n % every == 0]
        leader = "Kim Jong Un visited" if n % 5 == 0 else "Un Jong Kim met"
        indexed(source, f"Report {n}", f"A report: {leader} the {' and '.join(words) or 'weather'} site.")


def _old(match: str, limit: int) -> list[int]:
    """The query newest_ids was before the probe: the reference answer."""
    condition, params, _ = translate(match)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT article_id FROM {TABLE} WHERE {condition} ORDER BY article_id DESC LIMIT %s",
            [*params, limit],
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index (DATABASE_URL)")
def test_every_way_gives_the_newest_matches_exactly():
    _archive()
    backend, ways = PostgresBackend(), set()
    for q in QUERIES:
        match = compile_query(parse(q).tree, True)[0]
        for limit in (1, 3, 8, 40, 300):
            for probe in (1, 4, 10, 50, 1000):
                with CaptureQueriesContext(connection) as queries:
                    found = backend.newest_ids(match, limit, probe=probe)
                assert found == _old(match, limit), (q, limit, probe)
                ways.add(_way(queries.captured_queries))
    # The cases above take every way: enough in the probe, the walk back, the GIN list.
    assert ways == {"probe", "walk back", "GIN"}


def _way(queries: list[dict]) -> str:
    if len(queries) == 1:
        return "probe"
    return "GIN" if "MATERIALIZED" in queries[-1]["sql"] else "walk back"


def test_the_gin_list_for_a_rare_word_and_the_walk_back_for_a_common_one():
    # A word in 1 article of 200 among a million: walking back reads ~60,000 rows, GIN's list ~5,000.
    assert _gin_cheaper(found=3, probed=600, highest=1_000_000, limit=300)
    # One in 20: walking back reads ~5,700 rows, the list 50,000.
    assert not _gin_cheaper(found=30, probed=600, highest=1_000_000, limit=300)
    # The same word in a small archive: its whole list is shorter than the walk.
    assert _gin_cheaper(found=30, probed=600, highest=10_000, limit=300)
    # None in the probe: the walk back may read every row; the list is at most 1 in 600.
    assert _gin_cheaper(found=0, probed=600, highest=1_000_000, limit=300)


TERM_QUERIES = [
    "Kim Jong Un",  # three terms: one tsquery
    '"Kim Jong Un" harvest',  # a phrase and a word
    "harvest missile -rocket",  # two joined, the NOT apart
    "missile OR harvest report",  # AND binds tighter than OR
    "(missile OR rocket) harvest",  # a group, then a term: apart
    "report -harvest -missile",  # two NOTs
    "harv* site",  # a prefix and a word
    "김정은 동지",  # folded variants ORed, then a term
    "nowhere report",  # a term in no article
]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index (DATABASE_URL)")
def test_terms_on_one_column_tested_as_one_tsquery_select_the_same_rows(monkeypatch):
    """translate() joins ANDed terms of one column into one tsquery (one read of each row's tsvector): the
    same rows as one test per term, and the same leaves for ranking."""
    _archive()
    indexed(make_source("kcna-ko", "KCNA", "Ko", "ko"), "보도", "김정은 동지께서 현지지도하시였다.")
    joined = {q: translate(compile_query(parse(q).tree, True)[0]) for q in TERM_QUERIES}
    monkeypatch.setattr("wirewatch.search.postgres._follows_and_of_same_column", lambda *args: False)
    apart = {q: translate(compile_query(parse(q).tree, True)[0]) for q in TERM_QUERIES}
    fewer = 0
    for q in TERM_QUERIES:
        assert joined[q][2] == apart[q][2], q  # ranking reads every leaf as before
        assert _rows(joined[q]) == _rows(apart[q]), q
        fewer += len(joined[q][1]) < len(apart[q][1])
    assert fewer >= 5  # most of the queries above really were joined
    assert _rows(joined["Kim Jong Un"]) and _rows(joined["김정은 동지"])


def _rows(translated: tuple[str, list[str], list]) -> list[int]:
    condition, params, _ = translated
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT article_id FROM {TABLE} WHERE {condition} ORDER BY article_id", params)
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index (DATABASE_URL)")
def test_the_whole_match_list_first_selects_the_same_articles():
    """matching(few=True), the date walk's plain way for few matches, lists GIN's matches before the articles
    are sorted: the same articles as the plain subquery, in the same date order."""
    _archive()
    backend = PostgresBackend()
    for q in QUERIES + TERM_QUERIES:
        match = compile_query(parse(q).tree, True)[0]
        listed, plain = (
            list(
                newest_first(Article.objects.filter(id__in=backend.matching(match, few=few))).values_list(
                    "id"
                )
            )
            for few in (True, False)
        )
        assert listed == plain, q


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index (DATABASE_URL)")
def test_a_common_match_is_measured_by_the_probe_alone_and_walks_to_the_same_pages(monkeypatch):
    """spread(): with SPREAD_HITS matches among the probed rows, their share answers the date walk's question
    in one query; a rarer match still gets its newest ``small`` ids. The pages are those of sorting."""
    _archive()  # 120 articles: 'harvest' in every 2nd, 'missile' in every 17th
    monkeypatch.setattr(postgres, "PROBE", 20)
    monkeypatch.setattr(postgres, "SPREAD_HITS", 4)
    backend = PostgresBackend()
    harvest, missile = (compile_query(parse(q).tree, True)[0] for q in ("harvest", "missile"))
    with CaptureQueriesContext(connection) as queries:
        common = backend.spread(harvest, 30)
    assert len(queries) == 1 and common.every is None
    assert common.highest == _old(harvest, 1)[0] and 0.4 <= common.share <= 0.6
    rare = backend.spread(missile, 30)
    assert rare.every == _old(missile, 30)  # 8 matches, fewer than asked for: all of them
    assert backend.spread(missile, 5) == spread_of(_old(missile, 5), 5)
    for q in ("harvest", "missile", '"Kim Jong Un"', "harvest -missile"):
        assert pages(q, Sizes(small=30, chunk=6, gap=2), 7) == pages(q, None, 7), q
