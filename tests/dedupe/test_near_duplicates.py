"""Near-duplicates across sources on real KCNA texts: reprints found, different articles on one topic not."""

import re
from datetime import timedelta

import pytest

from tests.entities.helpers import kcna_rows, published_at, store
from tests.factories import make_source
from tests.web.html import item_ids, parse, text
from wirewatch.dedupe.models import Signature
from wirewatch.dedupe.queries import also_published

pytestmark = [pytest.mark.django_db, pytest.mark.shared]
ACTIVITIES = "WPK General Secretary Kim Jong Un's Revolutionary Activities"


def reprint(row: dict) -> str:
    """What another outlet makes of a KCNA item: its own dateline, no end mark, a few words changed."""
    body = re.sub(r"^[^\n]{0,80}?\(KCNA\)\s*--\s*", "", row["story_text"]).removesuffix(" -0-")
    body = body.replace(" the ", " this ", 2).replace(" and ", " as well as ", 1)
    return f"Pyongyang, {published_at(row):%B %-d} (Rodong Sinmun) -- {body}"


@pytest.fixture
def sources():
    return make_source("kcna-en", "KCNA"), make_source("rodong-en", "Rodong Sinmun")


def test_reprints_with_another_dateline_headline_and_words_are_found(shared_dir, sources):
    kcna, rodong = sources
    rows = [r for r in kcna_rows(shared_dir) if len(r["story_text"]) > 600][:12]
    for row in rows:
        original = store(kcna, row["headline"], row["story_text"], published_at(row))
        copy = store(
            rodong, "Reprinted: " + row["headline"][:40], reprint(row), published_at(row) + timedelta(hours=5)
        )
        assert [a.pk for a in also_published(copy)] == [original.pk], row["headline"]
        assert [a.pk for a in also_published(original)] == [copy.pk]
    assert Signature.objects.filter(is_first=False).count() == len(rows)


def test_different_articles_on_the_same_topic_are_not_duplicates(shared_dir, sources):
    rows = [r for r in kcna_rows(shared_dir) if r["topic"] == ACTIVITIES][:40]
    assert len(rows) == 40
    for n, row in enumerate(rows):
        store(sources[n % 2], row["headline"], row["story_text"], published_at(row))
    assert Signature.objects.count() == 40
    assert not Signature.objects.filter(is_first=False).exists()
    assert Signature.objects.values("group").distinct().count() == 40


def test_same_text_in_the_same_source_is_not_a_cross_source_copy(shared_dir, sources):
    row = kcna_rows(shared_dir)[0]
    first = store(sources[0], row["headline"], row["story_text"], published_at(row))
    store(sources[0], row["headline"], row["story_text"], published_at(row))
    assert also_published(first) == []


def test_the_earliest_published_copy_is_the_first_even_when_stored_last(shared_dir, sources):
    kcna, rodong = sources
    row = next(r for r in kcna_rows(shared_dir) if len(r["story_text"]) > 600)
    late = store(rodong, "Copy", reprint(row), published_at(row) + timedelta(days=1))
    early = store(kcna, row["headline"], row["story_text"], published_at(row))
    firsts = dict(Signature.objects.values_list("article_id", "is_first"))
    assert firsts == {late.pk: False, early.pk: True}


def test_article_page_says_also_published_by_with_links(client, shared_dir, sources):
    kcna, rodong = sources
    row = next(r for r in kcna_rows(shared_dir) if len(r["story_text"]) > 600)
    original = store(kcna, row["headline"], row["story_text"], published_at(row))
    copy = store(rodong, "Copy", reprint(row), published_at(row) + timedelta(hours=3))
    tree = parse(client.get(f"/articles/{copy.pk}/"))
    line = tree.css_first(".also-published")
    assert text(line) == "Also published by: KCNA (En)"
    assert line.css_first("a").attributes["href"] == f"/articles/{original.pk}/"
    alone = store(kcna, "Other", kcna_rows(shared_dir)[5]["story_text"], published_at(row))
    assert parse(client.get(f"/articles/{alone.pk}/")).css_first(".also-published") is None


def test_stream_collapses_duplicates_to_the_earliest_with_a_count(client, shared_dir, sources):
    kcna, rodong = sources
    naenara = make_source("naenara-en", "Naenara")
    row = next(r for r in kcna_rows(shared_dir) if len(r["story_text"]) > 600)
    original = store(kcna, row["headline"], row["story_text"], published_at(row))
    copies = [
        store(other, "Copy", reprint(row), published_at(row) + timedelta(hours=n))
        for n, other in ((2, rodong), (4, naenara))
    ]
    unrelated = store(
        kcna, "Other", kcna_rows(shared_dir)[5]["story_text"], published_at(row) - timedelta(days=1)
    )
    full = parse(client.get("/"))
    assert item_ids(full, "ol.stream-items > li") == [copies[1].pk, copies[0].pk, original.pk, unrelated.pk]
    collapsed = parse(client.get("/?collapse=1"))
    assert item_ids(collapsed, "ol.stream-items > li") == [original.pk, unrelated.pk]
    first = collapsed.css_first("ol.stream-items > li")
    assert text(first.css_first(".also-in")) == "· also in 2 sources"
    assert "checked" in collapsed.css_first('input[name="collapse"]').attributes
