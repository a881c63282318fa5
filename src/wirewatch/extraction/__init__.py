"""Extraction: one fetched article page -> headline, text, sanitised HTML, byline, date, language.

Per-source rules (selectolax) first, trafilatura as the fallback; lead-headlines for pages without a headline;
dates in every format the DPRK outlets use (Juche years, datelines). See ``article.extract_article``.
"""

from .article import Extracted, extract_article
from .cleaning import repair_glued_names
from .dates import find_dateline, parse_date
from .headline import lead_headline
from .rules import RulesError, validate_rules
from .sanitise import sanitise_html

__all__ = [
    "Extracted",
    "RulesError",
    "extract_article",
    "find_dateline",
    "lead_headline",
    "parse_date",
    "repair_glued_names",
    "sanitise_html",
    "validate_rules",
]
