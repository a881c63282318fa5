"""Reading the shared feed cases' expectations (feedparser's own test expressions) into checks on our results.

The expressions test feedparser's dictionary; we do not eval them. We read the parts that map onto what
discovery returns: bozo (-> a warning or an error), entry links, the feed's title, language and encoding.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

STRING = r"""('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
ENTRY_LINK = re.compile(r"entries\[0\](?:\['link'\]|\.link|\['links'\]\[0\]\['href'\]) == " + STRING)
FEED_TITLE = re.compile(r"feed(?:\['title'\]|\.title) == " + STRING)
FEED_LANGUAGE = re.compile(r"feed\['language'\] == " + STRING)
ENCODING = re.compile(r"\bencoding == " + STRING)
ENTRY_COUNT = re.compile(r"len\(entries\) == (\d+)")

# The one well-formed case we refuse on purpose: it declares an XML entity, and we expand none (see xmlsafety).
REFUSED_BY_POLICY = {"wellformed/rss/entity_in_doctype.xml"}
# Warnings that say nothing about the feed's well-formedness.
NEUTRAL_WARNING = "had no usable http(s) link"


def load_cases(shared_dir: Path) -> dict[str, dict]:
    return json.loads((shared_dir / "data" / "feeds" / "expected.json").read_text(encoding="utf-8"))


def literal(expect: str, pattern: re.Pattern[str]) -> str | None:
    match = pattern.search(expect or "")
    return ast.literal_eval(match.group(1)) if match else None


def is_bozo(expect: str | None) -> bool | None:
    """True for 'bozo ...', False for 'not bozo ...', None when the case says nothing about it."""
    expect = (expect or "").strip()
    if expect.startswith("not bozo"):
        return False
    if expect.startswith("bozo"):
        return True
    return None


def problems(result) -> list[str]:
    return [warning for warning in result.warnings if NEUTRAL_WARNING not in warning]
