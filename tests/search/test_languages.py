"""Made-up articles: Korean endings and spellings, Chinese and Japanese bigrams, English and Russian stemming."""

from __future__ import annotations

import pytest

from tests.factories import make_source
from tests.search.helpers import ids, indexed

pytestmark = pytest.mark.django_db


def test_korean_particles_and_initial_sound_spellings():
    source = make_source("kcna-ko", "KCNA", "Ko", "ko")
    where = indexed(source, "보도", "당중앙위원회는 로동당에서 새 결정을 채택하였다.")
    women = indexed(source, "녀성동맹", "녀성들이 모였다.")
    paradise = indexed(source, "락원", "인민의 락원을 꾸렸다.")
    assert ids("로동당") == [where.pk]
    assert ids("노동당") == [where.pk]
    assert ids("여성") == [women.pk]
    assert ids("낙원") == [paradise.pk]
    assert ids("여성", dueum="0") == []
    assert ids("녀성", dueum="0") == [women.pk]


def test_chinese_words_are_found_by_bigrams_and_single_characters():
    source = make_source("kcna-zh", "KCNA", "Zh", "zh")
    party = indexed(source, "新闻", "朝鲜劳动党中央委员会召开全体会议。")
    other = indexed(source, "天气", "今天平壤天气晴朗。")
    assert ids("劳动党") == [party.pk]
    assert ids("中央委员会") == [party.pk]
    assert ids("党") == [party.pk]
    assert ids("平壤") == [other.pk]
    assert ids("劳党") == []  # not adjacent in the text


def test_japanese_mixed_kana_and_kanji_are_found_by_bigrams():
    source = make_source("kcna-ja", "KCNA", "Ja", "ja")
    article = indexed(source, "ニュース", "金正恩総書記が工場を現地指導した。")
    indexed(source, "別", "ミサイルの発射について。")
    assert ids("現地指導") == [article.pk]
    assert ids("総書記") == [article.pk]
    assert ids("ミサイル") != [article.pk]


def test_english_words_match_other_forms_of_the_same_stem():
    source = make_source()
    strengthened = indexed(source, "Ties", "The two countries strengthened their ties.")
    visits = indexed(source, "Visit", "He visits the factory.")
    assert ids("strengthening") == [strengthened.pk]
    assert ids("tie") == [strengthened.pk]
    assert ids("visited") == [visits.pk]
    assert ids("STRENGTHEN") == [strengthened.pk]


def test_russian_words_match_other_endings():
    source = make_source("kcna-ru", "KCNA", "Ru", "ru")
    article = indexed(source, "Визит", "Делегация посетила завод в Пхеньяне.")
    assert ids("заводы") == [article.pk]
    assert ids("посетил") == [article.pk]
    assert ids("делегации") == [article.pk]
