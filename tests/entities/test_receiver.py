"""What storing a version records: mentions, appearances and text dates, in the storing transaction."""

from datetime import date

import pytest

from tests.entities.helpers import store
from tests.factories import make_source
from wirewatch.entities.models import Appearance, Mention, TextDate
from wirewatch.entities.queries import article_ids_mentioning, article_ids_mentioning_dates

pytestmark = pytest.mark.django_db

VISIT = (
    "Pyongyang, May 9 (KCNA) -- Kim Jong Un visited Dalian, China on May 7 to 8 Juche 107 (2018) and held talks "
    "with Xi Jinping. Kim Jong Un thanked Xi Jinping.\nThe Workers' Party of Korea welcomed the visit. -0-"
)


def test_mentions_are_counted_per_entity_with_the_first_offset():
    article = store(make_source(), "Talks in China", VISIT)
    rows = {m.entity.slug: (m.count, m.first_offset) for m in Mention.objects.select_related("entity")}
    text = "Talks in China\n" + VISIT
    assert rows["kim-jong-un"] == (2, text.index("Kim Jong Un"))
    assert rows["xi-jinping"][0] == 2
    assert rows["china"] == (2, text.index("China"))
    assert rows["wpk"][0] == 1
    assert list(article_ids_mentioning("xi-jinping")) == [article.pk]


def test_a_new_version_replaces_the_current_mentions_and_keeps_the_old_ones():
    source = make_source()
    article = store(source, "Talks", VISIT, url="http://127.0.0.1:9/a/1")
    store(source, "Talks", VISIT.replace("Xi Jinping", "the Chinese side"), url="http://127.0.0.1:9/a/1")
    assert list(article_ids_mentioning("xi-jinping")) == []
    assert list(article_ids_mentioning("kim-jong-un")) == [article.pk]
    assert Mention.objects.filter(entity__slug="xi-jinping", is_current=False).count() == 1


def test_unknown_entity_mentions_nothing():
    store(make_source(), "Talks", VISIT)
    assert list(article_ids_mentioning("nobody")) == []


def test_dates_in_the_text_are_stored_and_queryable_by_overlap():
    article = store(make_source(), "Talks", VISIT)
    other = store(
        make_source("rodong-en", "Rodong Sinmun"), "Plan", "The plan for 2025 was fulfilled in 2024."
    )
    (row,) = TextDate.objects.filter(article=article)
    assert (row.start, row.end) == (date(2018, 5, 7), date(2018, 5, 8))
    assert list(article_ids_mentioning_dates(date(2018, 1, 1), date(2018, 12, 31))) == [article.pk]
    assert list(article_ids_mentioning_dates(date(2018, 5, 8), date(2018, 5, 8))) == [article.pk]
    assert list(article_ids_mentioning_dates(date(2018, 5, 9), date(2019, 1, 1))) == []
    assert list(article_ids_mentioning_dates(date(2025, 6, 1), date(2025, 6, 30))) == [other.pk]


def test_appearance_of_a_tracked_person_has_kind_date_and_place():
    store(make_source(), "Talks in China", VISIT)
    (seen,) = Appearance.objects.filter(entity__slug="kim-jong-un")
    assert seen.kind == "visit"
    assert (seen.date_start, seen.date_end) == (date(2018, 5, 7), date(2018, 5, 8))
    assert seen.place.slug == "china"
    assert seen.sentence.startswith("Pyongyang, May 9 (KCNA) -- Kim Jong Un visited Dalian")
    assert not Appearance.objects.filter(entity__slug="xi-jinping").exists()  # not a tracked person


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("경애하는 김정은동지께서 평안남도의 공장을 현지지도하시였다.", "inspection"),
        ("金正恩视察了平壤的工厂。", "inspection"),
        ("Kim Jong Un sent a message of greetings to the President of Laos.", "letter"),
        ("Kim Jong Un received the delegation of Vietnam.", "meeting"),
    ],
)
def test_appearances_are_found_in_each_language(text, kind):
    store(make_source(), "", text)
    assert list(Appearance.objects.values_list("entity__slug", "kind")) == [("kim-jong-un", kind)]


def test_a_mention_without_an_appearance_word_is_not_an_appearance():
    store(
        make_source(), "Editorial", "The people are proud of Kim Jong Un and of the Workers' Party of Korea."
    )
    assert not Appearance.objects.exists()
    assert Mention.objects.count() == 2


def test_rescan_finds_a_new_alias_in_articles_stored_before_it_was_added():
    from wirewatch.cli import main
    from wirewatch.entities.models import Alias, Entity

    article = store(make_source(), "Talks", "Comrade Jang Kum Chol spoke at the meeting.")
    entity = Entity.objects.create(slug="jang-kum-chol", name="Jang Kum Chol", kind="person")
    Alias.objects.create(entity=entity, text="Jang Kum Chol")
    assert list(article_ids_mentioning("jang-kum-chol")) == []
    assert main(["entities", "rescan", "--quiet"]) == 0
    assert list(article_ids_mentioning("jang-kum-chol")) == [article.pk]
    assert main(["entities", "rescan", "--quiet"]) == 0
    assert Mention.objects.filter(article=article).count() == 1  # rescanning again adds nothing


def test_the_body_sentence_is_preferred_to_the_headline_as_evidence():
    store(
        make_source(),
        "Kim Jong Un Inspects Factory",
        "Kim Jong Un inspected a factory in Jagang on May 2, 2024.",
    )
    (seen,) = Appearance.objects.all()
    assert seen.sentence == "Kim Jong Un inspected a factory in Jagang on May 2, 2024."
    assert (seen.date_start, seen.place.slug) == (date(2024, 5, 2), "jagang")


def test_a_headline_alone_can_report_an_appearance():
    store(make_source(), "Kim Jong Un Inspects Factory", "The workers were glad.")
    assert list(Appearance.objects.values_list("kind", "sentence")) == [
        ("inspection", "Kim Jong Un Inspects Factory")
    ]
