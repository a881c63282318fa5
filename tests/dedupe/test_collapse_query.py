"""``?collapse=1`` as a correlated NOT EXISTS: the same pages as the old ``NOT IN`` over every later copy, on
real KCNA texts with reprints in three sources, and a page query that stays a walk of the stream's index."""

from datetime import timedelta

import pytest
from django.db.models import QuerySet
from django.http import QueryDict

from tests.dedupe.test_near_duplicates import reprint
from tests.entities.helpers import kcna_rows, published_at, store
from tests.factories import make_article, make_source
from tests.web.plans import query_plan
from wirewatch.archive.models import Article
from wirewatch.dedupe.models import Signature
from wirewatch.dedupe.queries import collapse
from wirewatch.web import queries
from wirewatch.web.paging import paginate

pytestmark = [pytest.mark.django_db, pytest.mark.shared]


def _old_collapse(queryset: QuerySet[Article]) -> QuerySet[Article]:
    """The query this replaced, kept here as the reference."""
    return queryset.exclude(pk__in=Signature.objects.filter(is_first=False).values("article_id"))


def _every_page(queryset: QuerySet[Article]) -> list[int]:
    """All ids of ``queryset`` as the stream pages them, 4 a page, cursor after cursor."""
    ids, cursor = [], None
    while True:
        page = paginate(queryset, cursor, limit=4)
        ids += [article.pk for article in page.items]
        if not (cursor := page.next_cursor):
            return ids


@pytest.fixture
def archive_with_groups(shared_dir) -> None:
    """Groups of 2 and 3 across three sources (a copy sometimes published before the text it copies),
    single articles, and articles without a signature (stored outside the pipeline)."""
    kcna, rodong, naenara = (
        make_source("kcna-en", "KCNA"),
        make_source("rodong-en", "Rodong"),
        make_source("nae"),
    )
    rows = [r for r in kcna_rows(shared_dir) if len(r["story_text"]) > 600][:30]
    for n, row in enumerate(rows[:10]):
        store(kcna, row["headline"], row["story_text"], published_at(row))
        store(rodong, "Copy", reprint(row), published_at(row) + timedelta(hours=-2 if n % 3 == 0 else 3))
        if n % 2:
            store(naenara, "Also", reprint(row), published_at(row) + timedelta(hours=5))
    for n, row in enumerate(rows[10:]):
        store((kcna, rodong, naenara)[n % 3], row["headline"], row["story_text"], published_at(row))
    for n in range(5):
        make_article(naenara, f"Unsigned {n}", published=published_at(rows[n]) + timedelta(minutes=7))
    assert Signature.objects.filter(is_first=False).count() == 10 + 5  # one later copy per pair, two per trio
    assert not Signature.objects.filter(article__title__startswith="Unsigned").exists()


@pytest.mark.parametrize("query", ["", "source=rodong-en", "source=kcna-en&source=nae", "lang=en", "lang=ko"])
def test_collapsed_stream_pages_equal_the_not_in_query(archive_with_groups, query):
    stream = queries.stream(queries.parse_stream_filters(QueryDict(query)))
    expected = _every_page(_old_collapse(stream))
    assert _every_page(collapse(stream)) == expected
    if query != "lang=ko":  # the one filter that matches nothing: both must agree on that too
        hidden = Signature.objects.filter(is_first=False, article_id__in=stream.values("pk")).count()
        assert hidden > 0 and len(expected) == stream.count() - hidden


def test_collapsed_stream_page_query_walks_the_stream_index_with_one_lookup_per_row():
    stream = queries.stream(queries.parse_stream_filters(QueryDict("")))
    plan = query_plan(collapse(stream).order_by("-published", "-id")[:21])
    assert "article_stream" in plan, plan
    # the signature's unique article_id index, probed per article (SQLite's name, PostgreSQL's name)
    assert "sqlite_autoindex_dedupe_signature_1" in plan or "dedupe_signature_article_id_key" in plan, plan
    # no list of every later copy gathered first (SQLite: LIST SUBQUERY; PostgreSQL: hashed SubPlan)
    assert "LIST SUBQUERY" not in plan and "SubPlan" not in plan, plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan
