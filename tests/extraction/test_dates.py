"""Dates in every format the DPRK outlets and ordinary news pages use, Juche years, datelines, URLs."""

import json
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from wirewatch.extraction import find_dateline, parse_date
from wirewatch.extraction.dates import date_in_url

PYONGYANG = "Asia/Pyongyang"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[Juche113.7.14.]", (2024, 7, 14)),
        ("Juche113.7.14", (2024, 7, 14)),
        ("주체113.7.14", (2024, 7, 14)),
        ("주체107(2018)년 3월 18일", (2018, 3, 18)),
        ("Feb. 11, Juche 111 (2022) Friday", (2022, 2, 11)),
        ("May 7 to 8 Juche 107 (2018)", (2018, 5, 7)),
        ("January 1, Juche 113 (2024)", (2024, 1, 1)),
        ("[2024.10.29.]", (2024, 10, 29)),
        ("2024-07-14", (2024, 7, 14)),
        ("February 25, 2026", (2026, 2, 25)),
        ("25 February 2026", (2026, 2, 25)),
        ("2026년 2월 25일", (2026, 2, 25)),
        ("2026年2月25日", (2026, 2, 25)),
        ("２０２６年２月２５日", (2026, 2, 25)),
        ("主体113(2024)年7月14日", (2024, 7, 14)),
        ("14 июля 2024 г.", (2024, 7, 14)),
        ("14.07.2024", (2024, 7, 14)),
        ("Published: 2024/07/14", (2024, 7, 14)),
    ],
)
def test_parse_date_reads_the_format_as_a_calendar_day(text, expected):
    moment = parse_date(text)
    assert moment is not None and moment.tzinfo is not None
    assert (moment.year, moment.month, moment.day) == expected


def test_parse_date_puts_a_bare_date_at_midnight_in_the_source_time_zone():
    assert parse_date("2024-07-14", PYONGYANG) == utc(2024, 7, 13, 15)
    assert parse_date("[Juche113.7.14.]", PYONGYANG) == utc(2024, 7, 13, 15)
    # Pyongyang was on UTC+8:30 from August 2015 to May 2018: tzdata knows, and so do we.
    assert parse_date("주체107(2018)년 3월 18일", PYONGYANG) == utc(2018, 3, 17, 15, 30)


def test_parse_date_keeps_the_offset_of_a_full_timestamp():
    assert parse_date("2024-07-14T10:00:00+09:00", PYONGYANG) == utc(2024, 7, 14, 1)
    assert parse_date("2024-07-14T10:00:00Z") == utc(2024, 7, 14, 10)
    assert parse_date("Sun, 14 Jul 2024 10:00:00 +0900") == utc(2024, 7, 14, 1)


def test_parse_date_trusts_the_gregorian_year_when_juche_disagrees():
    assert parse_date("May 7 Juche 107 (2019)").year == 2019
    assert parse_date("주체100(2018)년 3월 18일").year == 2018


def test_parse_date_converts_a_juche_year_written_alone():
    assert parse_date("March 5, Juche 111").date().isoformat() == "2022-03-05"


@pytest.mark.parametrize(
    "text", ["", "   ", "garbage", "Juche 107 (2018)", "2024-13-45", "\x00\xff" * 50_000, "9" * 10_000]
)
def test_parse_date_returns_none_for_what_is_not_a_full_date(text):
    assert parse_date(text) is None


def test_parse_date_refuses_dates_more_than_a_day_in_the_future():
    soon = datetime.now(UTC) + timedelta(hours=12)
    later = datetime.now(UTC) + timedelta(days=3)
    assert parse_date(soon.isoformat()) is not None
    assert parse_date(later.isoformat()) is None
    assert parse_date("2999-01-01") is None


def test_parse_date_falls_back_to_utc_for_an_unknown_time_zone():
    assert parse_date("2024-07-14", "Mars/Olympus_Mons") == utc(2024, 7, 14)


@pytest.mark.parametrize(
    "text",
    [
        "Pyongyang, July 14 (KCNA) -- A national meeting was held.",
        "Пхеньян, 14 июля /ЦТАК/ -- Состоялось собрание.",
        "(평양 7월 14일발 조선중앙통신) 회의가 진행되였다.",
        "（朝中社平壤7月14日电）会议举行。",
        "【平壌7月14日発朝鮮中央通信】会議が行われた。",
    ],
)
def test_find_dateline_resolves_a_yearless_dateline_to_the_nearest_past_year(text):
    moment = find_dateline(text, PYONGYANG, reference=utc(2024, 9, 1))
    assert moment == utc(2024, 7, 13, 15)


def test_find_dateline_across_new_year_takes_last_year():
    text = "Pyongyang, December 31 (KCNA) -- The year ended."
    assert find_dateline(text, PYONGYANG, reference=utc(2025, 1, 2)) == utc(2024, 12, 30, 15)


def test_find_dateline_of_new_years_day_seen_late_on_new_years_eve_utc():
    # 31 Dec 20:00 UTC is already 1 January in Pyongyang: the dateline is today, not a year ago.
    text = "Pyongyang, January 1 (KCNA) -- The New Year was greeted."
    assert find_dateline(text, PYONGYANG, reference=utc(2024, 12, 31, 20)) == utc(2024, 12, 31, 15)


def test_find_dateline_skips_a_29_february_to_the_last_leap_year():
    text = "Pyongyang, February 29 (KCNA) -- x"
    assert find_dateline(text, "UTC", reference=utc(2026, 3, 1)) == utc(2024, 2, 29)


def test_find_dateline_uses_a_year_written_in_the_dateline():
    assert find_dateline("Pyongyang, July 14, 2019 (KCNA) -- x", reference=utc(2024, 9, 1)) == utc(
        2019, 7, 14
    )


def test_find_dateline_reads_a_date_label_on_the_first_line():
    assert find_dateline("[Juche113.7.14.]\nThe text.", reference=utc(2024, 9, 1)) == utc(2024, 7, 14)
    assert find_dateline("- 1946년 01월 01일\n본문") == utc(1946, 1, 1)


def test_find_dateline_ignores_an_event_date_in_a_sentence():
    assert find_dateline("On July 14 the delegation left for Beijing, the agency said.") is None
    assert find_dateline("He visited Dalian from May 7 to 8 Juche 107 (2018), and met leaders there.") is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://www.rodong.rep.kp/en/index.php?strPageID=SF01_02_01&newsID=2022-02-11-0001", (2022, 2, 11)),
        ("https://example.org/news/2024/07/14/some-story/", (2024, 7, 14)),
        ("https://example.org/a/20240714.html", (2024, 7, 14)),
    ],
)
def test_date_in_url_finds_a_full_date(url, expected):
    moment = date_in_url(url)
    assert (moment.year, moment.month, moment.day) == expected


@pytest.mark.parametrize(
    "url",
    [
        "http://www.kcna.kp/en/article/q/a514ed40309b181ae5964d720a691ec6.kcmsf",
        "https://example.org/2024/07/",
        "https://example.org/item/1202407149",
        "https://example.org/2024/13/45/x",
    ],
)
def test_date_in_url_finds_nothing_without_a_full_valid_date(url):
    assert date_in_url(url) is None


@pytest.mark.shared
def test_find_dateline_dates_the_kcna_english_set_within_days_of_its_scrape_date(shared_dir):
    """Every KCNA dateline is read, resolved to the right year, and lands 0-7 days before the day it was scraped;
    the texts without a dateline ("One day in May Juche 106 (2017), ...") get no date from their event dates."""
    rows = json.loads((shared_dir / "data/kcna-en/articles.json").read_text(encoding="utf-8"))
    has_dateline = re.compile(r"^Pyongyang, [A-Z][a-z]+ \d{1,2} \(KCNA\) [-–—]")
    found = exact = 0
    for row in rows:
        if not row["story_text"]:
            continue
        scraped = datetime.fromtimestamp(row["date"] / 1000, UTC)
        moment = find_dateline(row["story_text"], PYONGYANG, reference=scraped + timedelta(days=1))
        assert (moment is not None) == bool(has_dateline.match(row["story_text"])), row["story_text"][:60]
        if moment:
            found += 1
            local = moment.astimezone(ZoneInfo(PYONGYANG)).date()
            assert 0 <= (datetime.fromisoformat(row["date_str"]).date() - local).days <= 7
            exact += local.isoformat() == row["date_str"]
    print(f"KCNA datelines: {found} found, {exact} on the scrape date")
    assert found > 1750 and exact > 1750
