from datetime import UTC, datetime

import pytest
from django.core import signing

from wirewatch.web.dates import format_edition_date
from wirewatch.web.paging import BadQuery, decode_cursor, parse_limit

MOMENT = datetime(2026, 2, 25, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "February 25, 2026"),
        ("ko", "2026년 2월 25일"),
        ("zh-Hans", "2026年2月25日"),
        ("ja", "2026年2月25日"),
        ("ru", "25 февраля 2026\u202fг."),  # CLDR joins "г." with a narrow no-break space
        ("ar", "25 فبراير 2026"),
    ],
)
def test_edition_date_follows_cldr_long_format_for_each_language(language, expected):
    assert format_edition_date(MOMENT, language, "Asia/Pyongyang") == expected


def test_edition_date_moves_to_the_next_day_in_the_source_time_zone():
    late = datetime(2026, 2, 24, 16, 30, tzinfo=UTC)  # 01:30 on the 25th in Pyongyang
    assert format_edition_date(late, "en", "Asia/Pyongyang") == "February 25, 2026"
    assert format_edition_date(late, "en", "UTC") == "February 24, 2026"


@pytest.mark.parametrize(
    "payload", [["2026-02-25T03:00:00", 1], ["not a date", 1], ["2026-02-25T03:00:00+00:00", "1"], 7]
)
def test_a_cursor_signed_by_us_but_of_the_wrong_shape_is_refused(payload):
    # Signed with the real key and salt, so only the shape check can catch it (naive date, text id, no pair).
    token = signing.Signer(salt="wirewatch.paging.cursor", sep=".").sign_object(payload)
    with pytest.raises(BadQuery):
        decode_cursor(token)


@pytest.mark.parametrize("raw", ["0", "101", "1e3", " 5", "５"])
def test_limit_outside_one_to_one_hundred_or_not_ascii_digits_is_refused(raw):
    with pytest.raises(BadQuery):
        parse_limit(raw)
