"""Finding the gazetteer's aliases in text: across scripts, at word boundaries, with Korean particles."""

import pytest

from wirewatch.entities.matcher import Matcher, current_matcher
from wirewatch.entities.models import Alias, Entity
from wirewatch.extraction.cleaning import repair_glued_names

pytestmark = pytest.mark.django_db


def slugs_found(text: str) -> list[str]:
    found = current_matcher().find(text)
    by_id = dict(Entity.objects.values_list("pk", "slug"))
    return [by_id[i] for f in found for i in f.entity_ids]


@pytest.mark.parametrize(
    "text",
    [
        "Kim Jong Un inspected the plant.",
        "Kim Jong-un inspected the plant.",
        "KIM JONG UN inspected the plant.",
        "경애하는 김정은동지께서 공장을 현지지도하시였다.",
        "金正恩视察了工厂。",
        "Ким Чен Ын осмотрел завод.",
        "Ｋｉｍ　Ｊｏｎｇ　Ｕｎ inspected the plant.",  # full-width letters and space
    ],
)
def test_every_script_and_romanisation_of_kim_jong_un_maps_to_one_entity(text):
    assert slugs_found(text) == ["kim-jong-un"]


def test_name_glued_to_the_next_word_is_not_a_mention():
    assert "kim-jong-un" not in slugs_found("Respected Comrade Kim Jong Unmet the delegation.")


def test_glued_name_repaired_by_the_extractor_is_found():
    text = repair_glued_names("The respected ComradeKim Jong Unmet the delegation.")
    assert slugs_found(text) == ["kim-jong-un"]


def test_possessive_and_punctuation_do_not_hide_a_name():
    assert slugs_found("Kim Jong Un's letter, (Kim Il Sung).") == ["kim-jong-un", "kim-il-sung"]


@pytest.mark.parametrize("text", ["김정은동지께서", "김정은은", "김정은의 령도", "김정은 동지"])
def test_korean_name_followed_by_particles_is_found(text):
    assert slugs_found(text) == ["kim-jong-un"]


def test_korean_name_inside_a_longer_word_is_not_found():
    assert slugs_found("박김정은씨") == []


def test_longest_alias_wins_over_a_shorter_one_inside_it():
    # "로동당" (the party) is inside "조선로동당" and "로동신문" is a newspaper, not the party.
    assert slugs_found("조선로동당 중앙위원회 기관지 로동신문") == ["wpk-central-committee", "rodong-sinmun"]


def test_short_capital_acronyms_match_case_sensitively():
    assert slugs_found("The US and the UN") == ["united-states", "united-nations"]
    assert slugs_found("Let us unite, un-ionised") == []


def test_offsets_point_into_the_original_text_when_normalising_changes_lengths():
    text = "ﬁne Straße: Ｋｉｍ Ｊｏｎｇ Ｕｎ visited"  # a ligature and ß change length when case folded
    found = current_matcher().find(text)
    assert [text[f.start : f.end] for f in found] == ["Ｋｉｍ Ｊｏｎｇ Ｕｎ"]


def test_matcher_is_rebuilt_when_the_gazetteer_changes():
    assert slugs_found("Comrade Jang Kum Chol spoke.") == []
    entity = Entity.objects.create(slug="jang-kum-chol", name="Jang Kum Chol", kind="person")
    Alias.objects.create(entity=entity, text="Jang Kum Chol")
    assert slugs_found("Comrade Jang Kum Chol spoke.") == ["jang-kum-chol"]


def test_matcher_on_its_own_reports_each_entity_sharing_a_spelling():
    matcher = Matcher([(1, "Pak Jong Chon"), (2, "Pak Jong Chon"), (3, "Pak")])
    found = matcher.find("Pak Jong Chon spoke")
    assert [(f.entity_ids, f.start, f.end) for f in found] == [((1, 2), 0, 13)]


def test_matcher_is_built_once_while_the_gazetteer_is_unchanged():
    assert current_matcher() is current_matcher()
    first = current_matcher()
    Alias.objects.create(entity=Entity.objects.get(slug="kcna"), text="Korean Central News")
    assert current_matcher() is not first
