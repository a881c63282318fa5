"""The index follows the archive: every stored version through the real store path, and a full rebuild."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from tests.factories import make_article, make_source
from tests.search.helpers import ids
from wirewatch.archive.store import store_extracted
from wirewatch.cli import main
from wirewatch.extraction.article import Extracted

pytestmark = pytest.mark.django_db


def extracted(title: str, text: str) -> Extracted:
    return Extracted(
        title=title,
        title_is_lead=False,
        text=text,
        html=f"<p>{text}</p>",
        byline="",
        published=datetime(2026, 2, 25, 9, 0, tzinfo=UTC),
        published_from="meta",
        language="en",
        extracted_by="rules",
        rules_matched=True,
    )


def test_a_stored_article_is_searchable_at_once_and_only_in_its_current_version():
    source = make_source()
    url = "http://127.0.0.1:9/naenara-en/article/1"
    first = store_extracted(source, url, extracted("Rice harvest", "A record rice harvest in the province."))
    assert ids("harvest") == [first.article.pk]
    second = store_extracted(source, url, extracted("Wheat sowing", "Wheat sowing began in the province."))
    assert second.version is not None and second.version.number == 2
    assert ids("harvest") == []  # the old text is no longer what readers see
    assert ids("wheat") == [first.article.pk]
    assert ids("province") == [first.article.pk]


def test_a_korean_version_stored_through_the_store_is_found_by_its_dictionary_form():
    source = make_source("kcna-ko", "KCNA", "Ko", "ko")
    stored = store_extracted(
        source, "http://127.0.0.1:9/kcna-ko/1", extracted("보도", "당의 령도를 더욱 강화하여 나가자.")
    )
    assert ids("강화하다") == [stored.article.pk]
    assert ids("영도") == [stored.article.pk]


def test_reindex_rebuilds_the_index_and_reports_the_rate(capsys):
    source = make_source()
    made = [make_article(source, f"Harvest {i}", "The rice harvest.") for i in range(3)]  # not indexed yet
    korean = make_article(source, "보도", "당의 령도를 더욱 강화하여 나가자.", language="ko")
    assert ids("rice") == [] and ids("강화하다") == []
    assert main(["search", "reindex"]) == 0
    captured = capsys.readouterr()
    assert "indexed 4/4 articles" in captured.err
    assert "reindexed 4 articles" in captured.out and "articles/s" in captured.out
    assert sorted(ids("rice")) == sorted(article.pk for article in made)
    assert ids("강화하다") == ids("영도") == [korean.pk]  # the batch analysis gives the same tokens


def test_the_query_command_prints_results_and_refuses_a_bad_query(capsys):
    source = make_source()
    article = make_article(source, "Harvest", "The rice harvest.")
    main(["search", "reindex"])
    capsys.readouterr()
    assert main(["search", "query", "rice source:naenara-en"]) == 0
    assert capsys.readouterr().out.startswith(f"{article.pk}\t")
    assert main(["search", "query", "(rice"]) == 2
    assert "parenthesis is not closed" in capsys.readouterr().err


def test_the_entity_filter_keeps_the_articles_that_mention_the_entity():
    source = make_source()
    leader = store_extracted(
        source,
        "http://127.0.0.1:9/a/1",
        extracted("Visit", "Kim Jong Un visited the Kangdong greenhouse farm."),
    )
    store_extracted(
        source, "http://127.0.0.1:9/a/2", extracted("Farm", "Farmers visited the greenhouse farm.")
    )
    assert len(ids("greenhouse")) == 2
    assert ids("greenhouse entity:kim-jong-un") == [leader.article.pk]
    assert ids("entity:kim-jong-un") == [leader.article.pk]
    assert ids("greenhouse entity:no-such-entity") == []


def test_a_huge_body_is_indexed_quickly_up_to_its_first_100k_characters():
    source = make_source()
    body = "harvest " * 12_000 + "x" * 1_000_000 + " typhoon"
    started = time.perf_counter()
    stored = store_extracted(source, "http://127.0.0.1:9/huge", extracted("Huge", body))
    assert time.perf_counter() - started < 5
    assert ids("harvest") == [stored.article.pk]
    assert ids("typhoon") == []  # past the indexed part
