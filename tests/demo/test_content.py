"""The demo's generated prose: deterministic, varied, and dated the way DPRK sources date things."""

from datetime import UTC, datetime

import pytest

from wirewatch.demo.content import date_label, write_article

WHEN = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)


def test_same_seed_edition_and_number_give_the_same_article():
    assert write_article(7, "Demo/En", "en", 12, WHEN) == write_article(7, "Demo/En", "en", 12, WHEN)


def test_another_seed_gives_other_articles():
    first = [write_article(7, "Demo/En", "en", n, WHEN).title for n in range(10)]
    other = [write_article(8, "Demo/En", "en", n, WHEN).title for n in range(10)]
    assert first != other


@pytest.mark.parametrize("language", ["en", "ko", "zh", "ar"])
def test_thirty_consecutive_articles_have_distinct_headlines_and_leads(language):
    articles = [write_article(7, f"Demo/{language}", language, n, WHEN) for n in range(1, 31)]
    assert len({a.title for a in articles}) == 30
    assert len({a.lead for a in articles}) == 30
    assert all(len(a.paragraphs) >= 4 for a in articles)


@pytest.mark.parametrize(
    ("language", "dateline"),
    [
        ("en", "Pyongyang, November 27 (Demo) --"),
        ("ko", "(평양 11월 27일발 데모통신)"),
        ("zh", "【演示社平壤11月27日电】"),
        ("ar", "بيونغ يانغ، 27 نوفمبر (تجريبي) --"),
    ],
)
def test_lead_opens_with_a_dateline_in_pyongyang_time(language, dateline):
    late_evening_utc = datetime(2026, 11, 26, 20, 0, tzinfo=UTC)  # already the 27th in Pyongyang (UTC+9)
    assert write_article(7, "Demo", language, 3, late_evening_utc).lead.startswith(dateline + " ")


def test_korean_text_stays_within_euc_kr():
    for number in range(1, 80):
        write_article(7, "Demo/Ko", "ko", number, WHEN).text.encode("euc_kr")  # raises if outside KS X 1001


def test_korean_subject_particle_follows_the_final_consonant():
    leads = [write_article(7, "Demo/Ko", "ko", n, WHEN).lead for n in range(1, 65)]
    assert any("학생들이 " in lead for lead in leads)
    assert not any("들가 " in lead for lead in leads)


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("bracket", "[Juche115.11.27.]"),
        ("long", "November 27, Juche 115 (2026)"),
        ("ko", "주체115(2026)년 11월 27일"),
        ("zh", "主体115(2026)年11月27日"),
        ("ar", "27 نوفمبر 2026"),
        ("iso", "2026-11-27"),
    ],
)
def test_date_label_writes_juche_year_as_gregorian_minus_1911(style, expected):
    assert date_label(style, WHEN) == expected


def test_date_label_uses_the_pyongyang_day_not_the_utc_day():
    assert date_label("bracket", datetime(2026, 12, 31, 15, 30, tzinfo=UTC)) == "[Juche116.1.1.]"
    assert date_label("bracket", datetime(2026, 12, 31, 14, 59, tzinfo=UTC)) == "[Juche115.12.31.]"
