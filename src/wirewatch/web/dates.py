"""Dates as a reader of the edition expects them: in its language, in the source's time zone.

Babel carries CLDR's date patterns ("February 25, 2026", "2026년 2월 25일", "25 فبراير 2026"); we only pick
the locale and the zone, and fall back to English and UTC when a source's settings are not ones we know.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_date

FALLBACK_LOCALE = "en"
ESTIMATE_NOTE = "(first seen; no date at source)"


@lru_cache(maxsize=64)
def edition_locale(language: str) -> Locale:
    """The Babel locale for a BCP 47 tag such as ``ko`` or ``zh-Hans``; English if CLDR has none."""
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse(FALLBACK_LOCALE)


@lru_cache(maxsize=64)
def source_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def format_edition_date(moment: datetime, language: str, timezone: str) -> str:
    """``moment`` as a long date in ``language``, on the calendar day it was in ``timezone``."""
    local_day = moment.astimezone(source_zone(timezone)).date()
    return format_date(local_day, format="long", locale=edition_locale(language))
