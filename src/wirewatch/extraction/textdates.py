"""Dates written in an article's text, as ISO dates and ranges: what the article *talks about*, not when it was
published (that is ``dates.py``).

"May 7 to 8 Juche 107 (2018)" -> 2018-05-07..2018-05-08; "주체107(2018)년 3월 18일" -> 2018-03-18;
"April Juche 107 (2018)" -> 2018-04-01..2018-04-30; "주체107(2018)년" -> the year 2018. Juche years are made
Gregorian first (``dateparts.juche_to_gregorian``; the Gregorian year in brackets wins when both are given), and a
mark is left behind so that a lone Juche year still counts as a date while a lone "2018" in running text (a
quantity? a year?) counts only after a word that makes it a year ("in 2018", "2018년", "в 2018 году").

Patterns run from the most to the least specific; a less specific match overlapping a kept one is dropped, so
"May 7, 2018" is one day, not also a month and a year. No date library reads ranges, Juche years or Korean
dates in running text, hence these patterns; month names come from Babel through ``dateparts``.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache

from .dateparts import JUCHE_WORD, juche_to_gregorian, month_number, month_pattern

MAX_TEXT = 200_000
MAX_DATES = 500
EARLIEST, LATEST = 1800, 2200
MARK = "\u2063"  # INVISIBLE SEPARATOR: "this year was written as a Juche year"; never in real text after NFKC
_JUCHE = re.compile(JUCHE_WORD + r"\s*(?P<juche>\d{1,3})(?!\d)(?:\s*[(（]\s*(?P<year>\d{4})\s*[)）])?", re.I)
# The words of JUCHE_WORD, case-folded: a substring search for them rules out most texts before the case-blind
# regex, which cannot use the regex engine's literal-prefix scan and so tries every position (a sixth of the time
# of a KCNA story's dates). No character folds to one of these letters under re.I but not under casefold().
_JUCHE_WORDS = ("juche", "주체", "主体", "主體", "チュチェ")
# Runs of digits; the years are the runs of exactly four. ``(?<!\d)\d{4}(?!\d)`` finds the same, but a pattern that
# starts with a lookbehind is tried at every position: it cost twice as much.
_DIGITS = re.compile(r"\d{4,}")
# Around each year, the longest pattern's reach before it ("September 30 to October 2, ") and after it.
WINDOW_BEFORE, WINDOW_AFTER = 60, 40
MAX_WINDOW = 600  # merged windows stop growing here: date-dense text stays linear
_TO = r"\s*(?:-|–|—|~|to|through|and|до|по|-й|至|到|부터)\s*"


@dataclass(frozen=True)
class TextDate:
    start: date
    end: date
    text: str  # the words as written (after normalisation), up to 100 characters


@cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    month = month_pattern()
    month2 = month.replace("month_name", "month_name2")
    year = r"(?P<y>\d{4})(?!\d)" + MARK + "?"
    day, day2 = r"(?P<d>\d{1,2})(?:st|nd|rd|th)?(?!\d)", r"(?P<d2>\d{1,2})(?:st|nd|rd|th)?(?!\d)"
    cjk_year = r"(?P<y>\d{4})" + MARK + r"?\s*[년年]\s*"
    cjk_day_range = (
        r"(?P<d>\d{1,2})\s*[일日]\s*(?:부터|から|起)?" + _TO.replace("부터", "부터|~")
        + r"(?:(?P<m2>\d{1,2})\s*[월月]\s*)?(?P<d2>\d{1,2})\s*[일日]"
    )  # fmt: skip
    return [
        ("days", re.compile(month + r"\s*" + day + _TO + r"(?:" + month2 + r"\s*)?" + day2 + r",?\s*" + year, re.I)),
        ("days", re.compile(r"(?<!\d)" + day + _TO + day2 + r"\.?\s+" + month + r",?\s*" + year, re.I)),
        ("days", re.compile(cjk_year + r"(?P<m>\d{1,2})\s*[월月]\s*" + cjk_day_range)),
        ("day", re.compile(month + r"\s*" + day + r",?\s*" + year, re.I)),
        ("day", re.compile(r"(?<!\d)" + day + r"\.?\s+" + month + r",?\s*" + year, re.I)),
        ("day", re.compile(cjk_year + r"(?P<m>\d{1,2})\s*[월月]\s*(?P<d>\d{1,2})\s*[일日]")),
        ("day", re.compile(r"(?<![\d.])" + year + r"[-./](?P<m>\d{1,2})[-./](?P<d>\d{1,2})(?![\d])")),
        ("month", re.compile(month + r",?\s*(?:of\s+)?" + year, re.I)),
        ("month", re.compile(cjk_year + r"(?P<m>\d{1,2})\s*[월月]")),
        ("year", re.compile(r"(?<!\d)(?P<y>\d{4})" + MARK)),
        ("year", re.compile(r"(?<!\d)(?P<y>\d{4})\s*[년年]")),
        ("year", re.compile(r"(?:\b(?:in|of|for|since|during|until|by|year)|\b(?:в|с|до|к))\s+(?P<y>\d{4})(?!\d)", re.I)),
    ]  # fmt: skip


def _mark_juche(text: str) -> str:
    def gregorian(match: re.Match[str]) -> str:
        year = int(match["year"]) if match["year"] else None
        return f"{juche_to_gregorian(int(match['juche']), year)}{MARK}"

    folded = text.casefold()
    if not any(word in folded for word in _JUCHE_WORDS):
        return text
    return _JUCHE.sub(gregorian, text)


def _month(parts: dict[str, str | None], number: str, name: str) -> int | None:
    if parts.get(number):
        return int(parts[number])  # type: ignore[arg-type]
    if parts.get(name):
        return month_number(parts[name])  # type: ignore[arg-type]
    return None


def _range(kind: str, parts: dict[str, str | None]) -> tuple[date, date] | None:
    year = int(parts["y"])  # type: ignore[arg-type]
    if not EARLIEST <= year <= LATEST:
        return None
    if kind == "year":
        return date(year, 1, 1), date(year, 12, 31)
    month = _month(parts, "m", "month_name")
    if month is None or not 1 <= month <= 12:
        return None
    if kind == "month":
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    try:
        start = date(year, month, int(parts["d"]))  # type: ignore[arg-type]
        if kind == "day":
            return start, start
        end = date(year, _month(parts, "m2", "month_name2") or month, int(parts["d2"]))  # type: ignore[arg-type]
    except (ValueError, TypeError):
        return None
    return (start, end) if start <= end else None


def find_text_dates(text: str) -> list[TextDate]:
    """Every date, date range, month or year written in ``text``, in text order."""
    normal = _mark_juche(" ".join(unicodedata.normalize("NFKC", text[:MAX_TEXT]).split()))
    found: list[TextDate] = []
    # Every pattern has a four-digit year: scanning only the windows around years keeps long texts fast
    # (the month-name alternations are costly to try at every position).
    for start, end in _year_windows(normal):
        found.extend(_scan(normal[start:end]))
        if len(found) >= MAX_DATES:
            break
    return found[:MAX_DATES]


def _year_windows(normal: str) -> list[tuple[int, int]]:
    windows: list[tuple[int, int]] = []
    for match in _DIGITS.finditer(normal):
        if match.end() - match.start() != 4:
            continue
        start, end = max(0, match.start() - WINDOW_BEFORE), match.end() + WINDOW_AFTER
        if windows and start <= windows[-1][1]:
            if end - windows[-1][0] <= MAX_WINDOW:
                windows[-1] = (windows[-1][0], end)
                continue
            start = windows[-1][1]  # windows never overlap, so no date is found twice
        windows.append((start, end))
    return windows


def _scan(normal: str) -> list[TextDate]:
    taken: list[tuple[int, int, TextDate]] = []
    for kind, pattern in _patterns():
        for match in pattern.finditer(normal):
            span = match.span()
            if any(span[0] < end and start < span[1] for start, end, _ in taken):
                continue
            if found := _range(kind, match.groupdict()):
                words = match.group(0).replace(MARK, "").strip()[:100]
                taken.append((span[0], span[1], TextDate(found[0], found[1], words)))
    return [item for _, _, item in sorted(taken, key=lambda t: t[0])]
