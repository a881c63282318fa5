"""Building blocks for reading dates: month names, Juche years, time zones, and the "no future dates" guard.

Month names come from Babel (CLDR data) rather than a hand-kept table, so that adding a language is one word in
``MONTH_LOCALES``. Juche years are DPRK-specific and no date library knows them: Juche 1 = 1912, so
Gregorian = Juche + 1911. KCNA and Rodong Sinmun often write both ("Juche 113 (2024)", "주체113(2024)년"); when the
two disagree we trust the Gregorian one, which is the one readers and other records use.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import get_month_names

log = logging.getLogger(__name__)

JUCHE_OFFSET = 1911
# Languages whose month names we recognise in text ("July 14", "14 июля", "14 يوليو").
MONTH_LOCALES = ("en", "ru", "ar", "fr", "es", "de")
# A publication date more than this far ahead of now is garbage (a typo, a wrong year, an event date).
FUTURE_TOLERANCE = timedelta(days=1)
EARLIEST_YEAR = 1850

# "Juche" in the scripts of the editions: English, Korean, Chinese, Japanese.
JUCHE_WORD = r"(?:juche|주체|主体|主體|チュチェ)"


@cache
def month_table() -> dict[str, int]:
    """Lower-cased month name or abbreviation (without a final dot) -> month number, over MONTH_LOCALES."""
    table: dict[str, int] = {"sept": 9}
    clashes: set[str] = set()
    for locale in MONTH_LOCALES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale).items():
                    key = name.lower().rstrip(".")
                    if table.get(key, number) != number:
                        clashes.add(key)
                    table[key] = number
    for key in clashes:  # a name meaning two months in two languages proves nothing
        del table[key]
    return table


@cache
def month_pattern() -> str:
    """A regex alternative matching any known month name, longest first, as a whole word."""
    names = sorted(month_table(), key=len, reverse=True)
    return r"(?<![^\W\d_])(?P<month_name>" + "|".join(map(re.escape, names)) + r")\.?(?![^\W\d_])"


def month_number(name: str) -> int | None:
    return month_table().get(name.lower().rstrip("."))


def zone(name: str) -> ZoneInfo:
    """The named time zone; UTC (logged) when the name is unknown, so one bad source setting never crashes a poll."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("unknown time zone %r, using UTC", name)
        return ZoneInfo("UTC")


def juche_to_gregorian(juche: int, gregorian: int | None = None) -> int:
    """The Gregorian year of a Juche year; when the text also gives the Gregorian year, that one wins."""
    if gregorian is not None:
        return gregorian
    return juche + JUCHE_OFFSET


def replace_juche_years(text: str) -> str:
    """Rewrite every Juche year in ``text`` as its Gregorian year, so the ordinary date patterns can read it.

    "Feb. 11, Juche 111 (2022) Friday" -> "Feb. 11, 2022 Friday"; "주체107(2018)년" -> "2018년";
    "[Juche113.7.14.]" -> "[2024.7.14.]". A bare "Juche 113" (no Gregorian year beside it) -> "2024".
    """

    def with_gregorian(match: re.Match[str]) -> str:
        return str(juche_to_gregorian(int(match["juche"]), int(match["year"])))

    def juche_only(match: re.Match[str]) -> str:
        return str(juche_to_gregorian(int(match["juche"])))

    text = re.sub(
        JUCHE_WORD + r"\s*(?P<juche>\d{1,3})\s*[(（]\s*(?P<year>\d{4})\s*[)）]",
        with_gregorian,
        text,
        flags=re.I,
    )
    return re.sub(JUCHE_WORD + r"\s*(?P<juche>\d{1,3})(?!\d)", juche_only, text, flags=re.I)


def local_datetime(
    year: int, month: int, day: int, tz: ZoneInfo, clock: tuple[int, int, int] = (0, 0, 0)
) -> datetime | None:
    """An aware UTC datetime for a wall-clock date in ``tz``, or None when the parts make no date."""
    try:
        local = datetime.combine(date(year, month, day), time(*clock), tzinfo=tz)
    except ValueError:
        return None
    return checked(local)


def checked(moment: datetime) -> datetime | None:
    """``moment`` in UTC, or None when it is implausible: before EARLIEST_YEAR or more than a day in the future."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    if moment.year < EARLIEST_YEAR or moment > datetime.now(UTC) + FUTURE_TOLERANCE:
        return None
    return moment
