"""Leader-appearance tracking: sentences that name a tracked person together with an appearance word
("inspected", "현지지도", "视察"...), read from ``data/appearances.toml``.

Per article version we keep, for each tracked person, the first such sentence, its kind, the date it names (a date
written in the sentence, by ``extraction.textdates``; none when it names none) and the place (the first gazetteer
*place* named in the same sentence). One sentence of evidence per article is what a list needs; the article itself
has the rest.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from wirewatch.entities.matcher import Found
from wirewatch.extraction.textdates import find_text_dates

RULES = Path(__file__).parent / "data" / "appearances.toml"
MAX_SENTENCE = 1000
# Sentence ends: Latin and Cyrillic full stops, CJK full stops, line breaks (paragraphs). Korean uses ".".
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|\n+")


@dataclass(frozen=True)
class Sighting:
    entity_id: int
    kind: str
    sentence: str
    date_start: date | None
    date_end: date | None
    place_id: int | None


@cache
def rules(path: Path = RULES) -> list[tuple[str, re.Pattern[str]]]:
    """(kind, one pattern over all languages) in the file's order."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [(kind, re.compile("|".join(p for ps in by_lang.values() for p in ps), re.I)) for kind, by_lang in data.items()]  # fmt: skip


def appearance_kind(sentence: str) -> str | None:
    for kind, pattern in rules():
        if pattern.search(sentence):
            return kind
    return None


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if e > s]


def find_appearances(
    text: str, found: list[Found], tracked: set[int], places: set[int], body_start: int = 0
) -> list[Sighting]:
    """The first appearance sentence of each tracked person in ``text`` (``found``: the matcher's output).
    Sentences before ``body_start`` (the headline) are tried last: the body's sentence says when and where."""
    if not tracked or not any(set(f.entity_ids) & tracked for f in found):
        return []
    seen: dict[int, Sighting] = {}
    spans = sentences(text)
    for start, end in [s for s in spans if s[0] >= body_start] + [s for s in spans if s[0] < body_start]:
        inside = [f for f in found if start <= f.start < end]
        people = {i for f in inside for i in f.entity_ids if i in tracked and i not in seen}
        if not people:
            continue
        sentence = text[start:end][:MAX_SENTENCE]
        kind = appearance_kind(sentence)
        if kind is None:
            continue
        place = _place(inside, people, places)
        dates = find_text_dates(sentence)
        first = dates[0] if dates else None
        for person in people:
            seen[person] = Sighting(person, kind, sentence, first and first.start, first and first.end, place)
    return list(seen.values())


def _place(inside: list[Found], people: set[int], places: set[int]) -> int | None:
    """The first place named after the person in the sentence (a dateline's city comes before the person and is
    where the news agency wrote, not where the person went), else the first place named at all."""
    person_at = min(f.start for f in inside if set(f.entity_ids) & people)
    named = [(f.start, i) for f in inside for i in f.entity_ids if i in places]
    after = [i for start, i in named if start > person_at]
    return after[0] if after else (named[0][1] if named else None)
