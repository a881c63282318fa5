"""Dates written in article text, Juche years included, as ISO dates and ranges."""

import re
import sys
from datetime import date

import pytest

from wirewatch.extraction import textdates
from wirewatch.extraction.textdates import find_text_dates


def ranges(text: str) -> list[tuple[str, str]]:
    return [(d.start.isoformat(), d.end.isoformat()) for d in find_text_dates(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The talks were held May 7 to 8 Juche 107 (2018) in Dalian.", [("2018-05-07", "2018-05-08")]),
        ("주체107(2018)년 3월 18일 김정은동지께서", [("2018-03-18", "2018-03-18")]),
        ("the plenary meeting in April Juche 107 (2018)", [("2018-04-01", "2018-04-30")]),
        ("주체107(2018)년에 진행된", [("2018-01-01", "2018-12-31")]),
        ("Feb. 11, Juche 111 (2022) Friday", [("2022-02-11", "2022-02-11")]),
        ("Juche 113 alone", [("2024-01-01", "2024-12-31")]),
        ("from May 30 to June 2, 2018", [("2018-05-30", "2018-06-02")]),
        ("5 to 7 May 2018 and on 2018-05-09", [("2018-05-05", "2018-05-07"), ("2018-05-09", "2018-05-09")]),
        ("2018년 3월 18일부터 20일까지", [("2018-03-18", "2018-03-20")]),
        ("2024年7月14日", [("2024-07-14", "2024-07-14")]),
        ("主体113(2024)年7月", [("2024-07-01", "2024-07-31")]),
        ("14 июля 2024 года", [("2024-07-14", "2024-07-14")]),
        ("February 2024 was cold", [("2024-02-01", "2024-02-29")]),
        ("[Juche113.7.14.]", [("2024-07-14", "2024-07-14")]),
    ],
)
def test_dates_in_text_become_iso_dates_and_ranges(text, expected):
    assert ranges(text) == expected


def test_a_bare_number_is_a_year_only_after_a_word_that_makes_it_one():
    assert ranges("They produced 2018 tons of steel in 2019.") == [("2019-01-01", "2019-12-31")]


@pytest.mark.parametrize("text", ["February 30, 2024", "2024.13.01", "May 9 to 7, 2024", "Room 1234 5678"])
def test_impossible_dates_are_ignored(text):
    assert find_text_dates(text) == []


def test_the_words_as_written_are_kept_with_the_date():
    (found,) = find_text_dates("held May 7 to 8 Juche 107 (2018) in")
    assert found.text == "May 7 to 8 2018"
    assert found.start == date(2018, 5, 7)


def test_huge_text_full_of_years_is_read_quickly():
    import time

    started = time.perf_counter()
    found = find_text_dates("in 2018, " * 50_000)
    assert time.perf_counter() - started < 3
    assert len(found) == 500  # capped


HARD_CASES = [
    "JUCHE 107 (2018) and juche 108, JuChe113.7.14., 주체107(2018)년, 主體113年, 主体113(2024)年7月, チュチェ113年",
    "runs 123 1234 12345 123456 2018 2019a a2020 ２０２１年 ٢٠٢٢ 2023\u2063 x1999x 1999",
    "no juche here, nor years: 12 345 67890",
    "Juche",
]


def test_what_the_case_blind_juche_pattern_accepts_casefolds_to_the_words_looked_for_first():
    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    for letter in set("".join(textdates._JUCHE_WORDS)):
        accepted = re.findall(re.escape(letter), everything, re.I)
        assert {character.casefold() for character in accepted} == {letter}


@pytest.mark.shared
def test_the_shortcuts_find_the_dates_the_straightforward_scan_finds(shared_dir, monkeypatch):
    """Two shortcuts: years are the digit runs of exactly four (not a lookbehind pattern tried at every position),
    and the Juche substitution runs only when a case-folded Juche word is in the text. The long way: the
    lookbehind pattern, and "" as the only Juche word (in every text, so the substitution always runs)."""
    from tests.entities.helpers import kcna_rows

    korean = sorted((shared_dir / "data" / "korean").glob("*.txt"))
    texts = [f"{row['headline']}\n{row['story_text']}" for row in kcna_rows(shared_dir)]
    texts += [path.read_text(encoding="utf-8") for path in korean] + HARD_CASES
    assert len(texts) > 1000 and korean, "the shared KCNA and Korean sets are incomplete"
    fast = [find_text_dates(text) for text in texts]
    monkeypatch.setattr(textdates, "_DIGITS", re.compile(r"(?<!\d)\d{4}(?!\d)"))
    monkeypatch.setattr(textdates, "_JUCHE_WORDS", ("",))
    assert fast == [find_text_dates(text) for text in texts]
    assert sum(map(len, fast)) > 500  # the texts do hold dates
