"""Date-ordered search walks the newstream instead of sorting every match (search/datewalk.py): the same pages
as sorting, whatever the relation between ids and dates, and few index queries when ids follow the dates."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import BASE_TIME, make_source
from tests.search.helpers import indexed, pages
from tests.web.plans import query_plan
from wirewatch.search.backend import filtered_articles, get_backend
from wirewatch.search.compile import compile_query
from wirewatch.search.datewalk import MAX_CHUNK, Sizes, _next_size, _ranges, by_date, chunk_query
from wirewatch.search.query import parse

pytestmark = pytest.mark.django_db

# Small sizes, so that a test archive of dozens of articles takes every branch a large one takes.
SMALL = Sizes(small=4, chunk=6, gap=2, walk_limit=10_000, probe_limit=10_000, walk_cost=0)


def archive(hours: list[int]) -> None:
    """Articles created in list order (ids ascending), published ``hours`` before BASE_TIME; every third is
    about a harvest, every fifth (also) about a missile; two sources, the second in Korean."""
    en, ko = make_source(), make_source("kcna-ko", "KCNA", "Ko", "ko")
    for n, hour in enumerate(hours):
        words = " ".join(w for w, every in (("harvest", 3), ("missile", 5)) if n % every == 0) or "weather"
        indexed(
            en if n % 2 else ko,
            f"Report {n}",
            f"A report on {words}.",
            published=BASE_TIME - timedelta(hours=hour),
        )


QUERIES = ["harvest", "missile", "harvest OR missile", "weather", "harvest lang:ko", "report -weather"]


@pytest.mark.parametrize("q", QUERIES)
def test_walk_pages_equal_sorted_pages_when_ids_follow_dates(q):
    archive(hours=list(range(60, 0, -1)))  # each new article is the newest
    assert pages(q, SMALL) == pages(q, None)


@pytest.mark.parametrize("q", QUERIES)
def test_walk_pages_equal_sorted_pages_when_ids_are_unrelated_to_dates(q):
    hours = list(range(60))
    random.Random(7).shuffle(hours)
    archive(hours=hours + [5, 5, 5])  # and three articles published at the same moment: ties broken by id
    assert pages(q, SMALL) == pages(q, None)


def test_a_walk_that_grows_too_long_gives_the_sorted_answer():
    hours = list(range(60))
    random.Random(3).shuffle(hours)
    archive(hours=hours)
    for give_up in (
        Sizes(small=4, chunk=6, gap=2, walk_limit=6),
        Sizes(small=4, chunk=6, gap=0, probe_limit=2),
    ):
        assert pages("missile", give_up) == pages("missile", None)


def test_first_page_asks_the_index_about_the_newest_ids_only_when_ids_follow_dates():
    archive(hours=list(range(120, 0, -1)))
    match = compile_query(parse("harvest").tree, True)[0]
    with CaptureQueriesContext(connection) as queries:
        page = by_date(get_backend(), match, filtered_articles(parse("harvest").filters), None, 4, SMALL)
    assert [a.title for a in page.items] == ["Report 117", "Report 114", "Report 111", "Report 108"]
    index_queries = [q["sql"] for q in queries if "@@" in q["sql"] or "MATCH" in q["sql"]]
    # The newest-ids query, then one range query per chunk of six walked, each on the index table alone:
    # never the whole match list as a subquery of the articles.
    own = ("SELECT rowid FROM search_index WHERE", "SELECT article_id FROM search_pgindex WHERE")
    # PostgreSQL's newest ids start with a probe of the index table's newest rows (postgres.py newest_ids).
    own += ("SELECT article_id, (",)
    assert all(sql.startswith(own) for sql in index_queries)
    assert len(index_queries) <= 4


def test_a_walk_reads_next_about_twice_the_rows_its_missing_matches_need():
    sizes = Sizes()
    # 'harvest' at a million articles: 20 of 21 found in the first 4,000 rows (1 in 200), one missing.
    assert _next_size(missing=1, share=20 / 4000, size=4000, sizes=sizes) == 400
    assert _next_size(missing=1, share=0.5, size=400, sizes=sizes) == sizes.chunk  # never below a chunk
    assert _next_size(missing=21, share=0.0, size=1500, sizes=sizes) == 3000  # nothing yet: twice the last
    assert _next_size(missing=21, share=1 / 1000, size=4000, sizes=sizes) == MAX_CHUNK


@pytest.mark.parametrize(
    ("q", "index"),
    [("harvest", "article_stream"), ("harvest source:kcna-en", "article_source_stream")],
)
def test_a_walk_step_reads_the_stream_index_alone(q, index):
    if "source:" in q and connection.vendor == "postgresql":
        pytest.skip(
            "PostgreSQL joins the source by slug and, on a test's few rows, walks the whole stream index"
        )
    archive(hours=list(range(30, 0, -1)))
    articles = filtered_articles(parse(q).filters)
    for position in (None, (BASE_TIME - timedelta(hours=10), 20)):
        plan = query_plan(chunk_query(articles, position, 250))
        # no article row read for the test of current_version (SQLite's and PostgreSQL's words for that)
        assert f"COVERING INDEX {index}" in plan or f"Index Only Scan using {index}" in plan, plan
        assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan


@pytest.mark.parametrize(
    ("ids", "gap", "runs"),
    [
        ([], 2, []),
        ([7], 2, [(7, 7)]),
        ([9, 3, 5, 4], 2, [(3, 5), (9, 9)]),  # 5 -> 9 is 4 apart: a new run
        ([9, 3, 5, 4, 7], 2, [(3, 9)]),  # neighbours exactly ``gap`` apart share a run
        ([1, 2, 3], 0, [(1, 1), (2, 2), (3, 3)]),
        (list(range(5200, 0, -1)) + list(range(5400, 5368, -1)), 64, [(1, 5200), (5369, 5400)]),
    ],
)
def test_nearby_ids_are_asked_about_in_one_range(ids, gap, runs):
    assert _ranges(ids, gap) == runs
