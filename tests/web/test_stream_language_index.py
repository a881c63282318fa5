"""The stream's ?lang= filter: served by the lower(language) index, and the same articles as the old
case-insensitive match (``language__iexact``) for every spelling of a tag."""

from datetime import timedelta

import pytest
from django.http import QueryDict

from tests.factories import BASE_TIME, make_article, make_source
from tests.web.plans import query_plan
from tests.web.test_stream import walk
from wirewatch.archive.models import Article
from wirewatch.web import queries
from wirewatch.web.paging import after, newest_first

pytestmark = pytest.mark.django_db
# Stored codes in several cases: an edition's own spelling (zh-Hans), a detector's (zh), hand-typed ones.
STORED = ["en", "EN", "ko", "Ko", "zh-Hans", "zh-hans", "ZH-HANS", "zh", "zh-Hant", "ar"]


def _reference(tag: str) -> list[int]:
    """The old filter's answer: RFC 5646 case-insensitive equality as Django's iexact does it."""
    matched = Article.objects.filter(language__iexact=tag).order_by("-published", "-id")
    return list(matched.values_list("id", flat=True))


@pytest.fixture
def mixed_case_archive() -> None:
    source = make_source("mixed", "Mixed", "En", "en")
    for n in range(90):  # several pages per tag; every fifth pair shares a published time (id breaks the tie)
        published = BASE_TIME - timedelta(minutes=n - n % 5)
        make_article(source, f"Item {n}", published=published, language=STORED[n % len(STORED)])


# 90 articles over the 10 stored codes: 9 each.
COUNTS = {"en": 18, "EN": 18, "ko": 18, "zh-hans": 27, "ZH-Hans": 27, "zh": 9, "zh-Hant": 9, "ar": 9, "fr": 0}


@pytest.mark.parametrize(("tag", "count"), COUNTS.items())
def test_lang_filter_pages_list_exactly_the_case_insensitive_matches(client, mixed_case_archive, tag, count):
    expected = _reference(tag)
    assert len(expected) == count
    assert walk(client, f"/?lang={tag}") == expected


def test_lang_filter_page_query_walks_the_lowercase_language_index():
    filters = queries.parse_stream_filters(QueryDict("lang=zh-HANS"))
    first_page = newest_first(queries.stream(filters))[:21]
    later_page = after(newest_first(queries.stream(filters)), BASE_TIME, 10**6)[:21]
    for page in (first_page, later_page):
        plan = query_plan(page)
        assert "article_lang_ci_stream" in plan, plan
        assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan  # the index gives the order: no sort
