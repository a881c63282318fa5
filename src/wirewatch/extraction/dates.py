"""Reading publication dates: one date string (``parse_date``), a dateline (``find_dateline``), a URL.

Formats we must read (seen on KCNA, Rodong Sinmun, Naenara and ordinary news sites):
ISO 8601 and RFC 2822 (page metadata), "[2024.10.29.]", "[Juche113.7.14.]", "주체113.7.14",
"주체107(2018)년 3월 18일", "Feb. 11, Juche 111 (2022) Friday", "May 7 to 8 Juche 107 (2018)" (the start),
"February 25, 2026", "25 February 2026", "2026년 2월 25일", "2026年2月25日", "14.07.2024". What none of these
patterns reads goes to dateparser (a well-kept multilingual parser) as a last resort; our own patterns come first
because dateparser knows neither Juche years nor the dotted KCNA labels, and guesses missing parts.

A date without a time is midnight in the source's time zone. Every result is aware, in UTC, and never more than a
day ahead of now (see ``dateparts.checked``).
"""

from __future__ import annotations

import email.utils
import re
import unicodedata
from datetime import UTC, datetime, timedelta
from functools import cache
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from .dateparts import checked, local_datetime, month_number, month_pattern, replace_juche_years, zone

MAX_DATE_TEXT = 300  # a date string longer than this is not a date string; read only its start
DATELINE_SPAN = 200  # a dateline sits at the very start of the text
DATE_LABEL_CHARS = 40
RANGE = r"(?:\s*(?:-|–|~|to|au|до|bis)\s*\d{1,2})?"  # "May 7 to 8": we take the start
CLOCK = r"(?:[T\s]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
SUFFIX = r"(?:st|nd|rd|th|er)?"


@cache
def patterns() -> list[re.Pattern[str]]:
    """Compiled on first use: the month names come from Babel."""
    month = month_pattern()
    return [
        # 2024-07-14, 2024.10.29., 2024/7/14, 2026년 2월 25일, 2026年2月25日 (+ optional clock time)
        re.compile(
            r"(?<!\d)(?P<y>\d{4})\s*[-./년年]\s*(?P<m>\d{1,2})\s*[-./월月]\s*(?P<d>\d{1,2})(?!\d)\s*[일日]?"
            + CLOCK
        ),
        # February 25, 2026 / Feb. 11, 2022 Friday / May 7 to 8 2018
        re.compile(month + r"\s*(?P<d>\d{1,2})" + SUFFIX + RANGE + r"\s*,?\s*(?P<y>\d{4})(?!\d)", re.I),
        # 25 February 2026 / 14 июля 2024 г.
        re.compile(
            r"(?<!\d)(?P<d>\d{1,2})"
            + SUFFIX
            + r"\.?"
            + RANGE
            + r"\s+"
            + month
            + r"\s*,?\s*(?P<y>\d{4})(?!\d)",
            re.I,
        ),
        # 14.07.2024 (day first, the European and Russian order)
        re.compile(r"(?<!\d)(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})(?!\d)"),
    ]


def _normalise(text: str, limit: int) -> str:
    """Full-width digits and letters to ASCII (NFKC), whitespace collapsed, Juche years made Gregorian."""
    text = unicodedata.normalize("NFKC", text[: limit * 2])[:limit]
    return replace_juche_years(" ".join(text.split()))


def _from_match(match: re.Match[str], tz: ZoneInfo) -> datetime | None:
    parts = match.groupdict()
    month = int(parts["m"]) if parts.get("m") else month_number(parts["month_name"])
    if month is None:
        return None
    clock = tuple(int(parts.get(key) or 0) for key in ("H", "M", "S"))
    if not (clock[0] < 24 and clock[1] < 60 and clock[2] < 60):
        return None
    return local_datetime(int(parts["y"]), month, int(parts["d"]), tz, clock)  # type: ignore[arg-type]


def _iso_or_rfc(text: str, tz: ZoneInfo) -> datetime | None:
    """Machine formats, as found in metadata: ISO 8601 (``fromisoformat``) and RFC 2822 (``email.utils``)."""
    candidate = text.strip()
    try:
        moment = datetime.fromisoformat(candidate)
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(candidate)
        except (TypeError, ValueError, IndexError):
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return checked(moment)


def _with_dateparser(text: str, tz: ZoneInfo) -> datetime | None:
    import dateparser  # imported late: it is slow to load and rarely needed

    settings = {
        "REQUIRE_PARTS": ["day", "month", "year"],
        "TIMEZONE": str(tz),
        "RETURN_AS_TIMEZONE_AWARE": True,
        "PREFER_DATES_FROM": "past",
    }
    try:
        moment = dateparser.parse(text, settings=settings)
    except Exception:  # dateparser raises assorted errors on odd input; a missing date is the safe answer
        return None
    return checked(moment) if moment else None


def parse_date(text: str, timezone: str = "UTC") -> datetime | None:
    """One date string in any of the formats above -> aware UTC datetime, or None (never a guess of the parts)."""
    if not text or not text.strip():
        return None
    tz = zone(timezone)
    if moment := _iso_or_rfc(text[:MAX_DATE_TEXT], tz):
        return moment
    normalised = _normalise(text, MAX_DATE_TEXT)
    matches = [m for pattern in patterns() if (m := pattern.search(normalised))]
    for match in sorted(matches, key=lambda m: m.start()):
        if moment := _from_match(match, tz):
            return moment
    if matches or len(normalised) > 60 or not re.search(r"\d", normalised):
        return None
    return _with_dateparser(normalised, tz)


# Datelines without a year: "Pyongyang, July 14 (KCNA) --", "Пхеньян, 14 июля /ЦТАК/", "(평양 7월 14일발 조선중앙통신)",
# "(朝中社平壤7月14日电)", "【平壌7月14日発朝鮮中央通信】". The place and the agency mark are required around the
# month and day, so that an ordinary sentence ("On July 14 ...") is not taken for a dateline.
@cache
def dateline_patterns() -> list[re.Pattern[str]]:
    month = month_pattern()
    place = r"^\W{0,3}[^\W\d][^,\n\d]{0,40},\s*"
    ending = r"(?:\s*,?\s*(?P<y>\d{4}))?\s*(?:[(/][^)/\n]{1,40}[)/]\s*)?(?:--|—|–|-|/|:)"
    return [
        re.compile(place + month + r"\s*(?P<d>\d{1,2})(?!\d)" + ending, re.I),
        re.compile(place + r"(?P<d>\d{1,2})\s+" + month + ending, re.I),
        re.compile(r"^.{0,30}?(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일\s*발"),
        re.compile(r"^.{0,30}?(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日\s*[电電発发]"),
    ]


def resolve_year(month: int, day: int, reference: datetime, tz: ZoneInfo) -> datetime | None:
    """The latest occurrence of month/day not after ``reference`` (+1 day of slack for time zones)."""
    latest = (reference.astimezone(tz) + timedelta(days=1)).date()
    for year in range(latest.year, latest.year - 8, -1):  # 8 years: reaches back past any 29 February
        moment = local_datetime(year, month, day, tz)
        if moment and moment.astimezone(tz).date() <= latest:
            return moment
    return None


def find_dateline(text: str, timezone: str = "UTC", *, reference: datetime | None = None) -> datetime | None:
    """The date of a dateline or date label at the start of ``text``; a yearless one is resolved against
    ``reference`` (the listing date, else now) to its nearest past occurrence."""
    if not text:
        return None
    tz = zone(timezone)
    reference = reference or datetime.now(UTC)
    if reference.tzinfo is None:
        reference = reference.replace(tzinfo=UTC)
    head = _normalise(text.lstrip(), DATELINE_SPAN)
    for pattern in dateline_patterns():
        if match := pattern.search(head):
            return _dateline_date(match, reference, tz)
    first_line = text.lstrip().split("\n", 1)[0]
    # A first line this short is a date label ("[Juche113.7.14.]", "- 1946년 01월 01일"); a longer one is a
    # sentence, and a date inside a sentence is usually an event's, not the publication's.
    return parse_date(first_line, timezone) if len(first_line.strip()) <= DATE_LABEL_CHARS else None


def _dateline_date(match: re.Match[str], reference: datetime, tz: ZoneInfo) -> datetime | None:
    if match.groupdict().get("y"):
        return _from_match(match, tz)
    parts = match.groupdict()
    month = int(parts["m"]) if parts.get("m") else month_number(parts["month_name"])
    return resolve_year(month, int(parts["d"]), reference, tz) if month else None


_URL_DATES = [
    # /2024/07/14/, 2024-07-14, newsID=2022-02-11-0001, 2024_07_14
    re.compile(
        r"(?<!\d)(?P<y>(?:19|20)\d\d)(?P<sep>[-/_.])(?P<m>0?[1-9]|1[0-2])(?P=sep)(?P<d>0?[1-9]|[12]\d|3[01])(?!\d)"
    ),
    # 20240714 as a whole path or query segment
    re.compile(r"(?<![\w])(?P<y>(?:19|20)\d\d)(?P<m>0[1-9]|1[0-2])(?P<d>0[1-9]|[12]\d|3[01])(?![\w])"),
]


def date_in_url(url: str, timezone: str = "UTC") -> datetime | None:
    """A full date (year, month and day) written in the URL's path or query, or None."""
    parts = urlsplit(url[:4000])
    where = unquote(parts.path + "?" + parts.query)
    tz = zone(timezone)
    for pattern in _URL_DATES:
        for match in pattern.finditer(where):
            if moment := local_datetime(int(match["y"]), int(match["m"]), int(match["d"]), tz):
                return moment
    return None
