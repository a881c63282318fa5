"""The query language over the real index: phrases, AND/OR/NOT, parentheses, prefixes, filters, order, paging."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import BASE_TIME, make_source
from tests.search.helpers import ids, indexed
from wirewatch.search.service import search
from wirewatch.web.paging import BadQuery

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus():
    en = make_source()
    ko = make_source("kcna-ko", "KCNA", "Ko", "ko")
    day = timedelta(days=1)
    return {
        "ties": indexed(en, "Friendly ties", "Strengthening ties with China.", published=BASE_TIME),
        "missile": indexed(en, "Missile test", "A missile test was watched.", published=BASE_TIME - day),
        "farm": indexed(en, "Farm visit", "Ties between farm and factory.", published=BASE_TIME - 2 * day),
        "factory": indexed(
            en, "Factory", "Factories strengthen output; a test run.", published=BASE_TIME - 3 * day
        ),
        "korean": indexed(ko, "로동당", "로동당의 령도를 강화하여 ties", published=BASE_TIME - 4 * day),
    }


def names(corpus, found):
    by_id = {article.pk: name for name, article in corpus.items()}
    return [by_id[pk] for pk in found]


def test_words_side_by_side_mean_and(corpus):
    assert names(corpus, ids("ties strengthen")) == ["ties"]


def test_or_not_and_parentheses(corpus):
    assert names(corpus, ids("missile OR farm")) == ["missile", "farm"]
    assert names(corpus, ids("test NOT missile")) == ["factory"]
    assert names(corpus, ids("test -missile")) == ["factory"]
    assert names(corpus, ids("(missile OR factory) AND test")) == ["missile", "factory"]
    assert names(corpus, ids("ties NOT (china OR farm)")) == ["korean"]


def test_a_quoted_phrase_needs_the_words_together_and_as_written(corpus):
    assert names(corpus, ids('"strengthening ties"')) == ["ties"]
    assert names(corpus, ids('"ties strengthening"')) == []
    assert names(corpus, ids('"strengthened ties"')) == []  # the text says "strengthening ties"
    assert names(corpus, ids('"factories strengthen"')) == ["factory"]


def test_a_star_matches_word_beginnings(corpus):
    assert names(corpus, ids("fact*")) == ["farm", "factory"]
    assert names(corpus, ids("로동*")) == ["korean"]


def test_field_filters_restrict_by_source_language_and_dates(corpus):
    assert names(corpus, ids("ties source:kcna-ko")) == ["korean"]
    assert names(corpus, ids("ties lang:en")) == ["ties", "farm"]
    assert names(corpus, ids("ties source:naenara-en source:kcna-ko")) == ["ties", "farm", "korean"]
    assert names(corpus, ids("ties from:2026-02-22 to:2026-02-23")) == ["farm"]
    assert names(corpus, ids("from:2026-02-24")) == ["ties", "missile"]  # filters alone: the stream, filtered


def test_relevance_puts_the_headline_match_first(corpus):
    assert names(corpus, ids("factory"))[:2] == ["farm", "factory"]
    assert names(corpus, ids("factory", sort="relevance"))[0] == "factory"


@pytest.mark.parametrize("sort", ["date", "relevance"])
def test_cursor_paging_has_no_duplicate_and_no_gap(sort):
    source = make_source()
    made = [
        indexed(
            source, f"Report {i}", "The harvest " * (1 + i % 4), published=BASE_TIME - timedelta(hours=i // 3)
        )
        for i in range(23)
    ]
    seen, cursor = [], ""
    for _ in range(10):
        results = search({"q": "harvest", "limit": "5", "sort": sort, "cursor": cursor})
        assert len(results.items) <= 5
        seen += [article.pk for article in results.items]
        if not (cursor := results.next_cursor):
            break
    assert len(seen) == len(set(seen)) == 23
    assert set(seen) == {article.pk for article in made}


def test_a_cursor_from_one_order_is_refused_by_the_other(corpus):
    page = search({"q": "ties", "limit": "1", "sort": "relevance"})
    with pytest.raises(BadQuery):
        search({"q": "ties", "limit": "1", "cursor": page.next_cursor})


def test_dates_are_utc_days_with_to_inclusive():
    source = make_source()
    late = indexed(source, "Late", "harvest", published=datetime(2026, 1, 31, 23, 59, tzinfo=UTC))
    indexed(source, "Next", "harvest", published=datetime(2026, 2, 1, 0, 0, tzinfo=UTC))
    assert ids("harvest to:2026-01-31") == [late.pk]
