"""Faster normalising and matching find exactly what the plain versions found.

The references below are the previous implementations, kept as they were: one ``unicodedata`` call per character
when the text is not already in matching form, every alias in one automaton (acronyms included, their case checked
per hit), pairwise overlap checks. Any difference on the KCNA and Korean texts or on hostile inputs fails.
"""

from __future__ import annotations

import json
import random
import unicodedata

import ahocorasick
import pytest

from tests.entities.helpers import kcna_rows
from wirewatch.entities.gazetteer import alias_pairs
from wirewatch.entities.matcher import ACRONYM_MAX, Matcher, current_matcher
from wirewatch.entities.normalise import (
    _APOSTROPHES,
    _HYPHENS,
    _RUNS_OF_SPACE,
    _SPACES,
    normalise_alias,
    normalise_with_offsets,
)

_TABLE = str.maketrans({**dict.fromkeys(_HYPHENS, " "), **dict.fromkeys(_APOSTROPHES, "'"),
                        **dict.fromkeys(_SPACES, " ")})  # fmt: skip


def reference_alias(text: str) -> str:
    return _RUNS_OF_SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold().translate(_TABLE)).strip()


def reference_normalise(text: str) -> tuple[str, list[int] | None]:
    folded = text.casefold()
    if len(folded) == len(text) and unicodedata.is_normalized("NFKC", text):
        return folded.translate(_TABLE), None
    pieces: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        piece = unicodedata.normalize("NFKC", char).casefold().translate(_TABLE)
        pieces.append(piece)
        offsets.extend([index] * len(piece))
    return "".join(pieces), offsets


def _hangul(char: str) -> bool:
    return "\uac00" <= char <= "\ud7a3" or "\u1100" <= char <= "\u11ff" or "\u3130" <= char <= "\u318f"


def _word(char: str) -> bool:
    cjk = "\u3040" <= char <= "\u30ff" or "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"
    return char.isalnum() and not _hangul(char) and not cjk


def _alone(normal: str, start: int, end: int) -> bool:
    first, last = normal[start], normal[end - 1]
    before = normal[start - 1] if start > 0 else " "
    after = normal[end] if end < len(normal) else " "
    if (
        (_word(first) and _word(before))
        or (_word(last) and _word(after))
        or (_hangul(first) and _hangul(before))
    ):
        return False
    return not (_hangul(last) and _hangul(after) and end - start < 2)


class ReferenceMatcher:
    def __init__(self, aliases: list[tuple[int, str]]):
        grouped: dict[str, tuple[set[int], str | None]] = {}
        for entity_id, text in aliases:
            key, stripped = reference_alias(text), text.strip()
            if len(key) >= 2:
                cased = stripped.isascii() and stripped.isalpha() and stripped.isupper()
                exact = stripped if cased and len(stripped) <= ACRONYM_MAX else None
                grouped.setdefault(key, (set(), exact))[0].add(entity_id)
        self.automaton = ahocorasick.Automaton()
        for key, (ids, exact) in grouped.items():
            self.automaton.add_word(key, (tuple(sorted(ids)), len(key), exact))
        if grouped:
            self.automaton.make_automaton()
        self.size = len(grouped)

    def find(self, text: str) -> list[tuple[tuple[int, ...], int, int]]:
        if not self.size or not text:
            return []
        normal, offsets = reference_normalise(text)
        at = (lambda i: i) if offsets is None else offsets.__getitem__
        candidates = []
        for end, (ids, length, exact) in self.automaton.iter(normal):
            start = end - length + 1
            if _alone(normal, start, end + 1) and (exact is None or text[at(start) : at(end) + 1] == exact):
                candidates.append((start, end + 1, ids))
        taken: list[tuple[int, int, tuple[int, ...]]] = []
        for start, end, ids in sorted(candidates, key=lambda c: (c[0] - c[1], c[0])):
            if all(end <= s or start >= e for s, e, _ in taken):
                taken.append((start, end, ids))
        return [(ids, at(start), at(end - 1) + 1) for start, end, ids in sorted(taken)]


def found(matcher: Matcher, text: str) -> list[tuple[tuple[int, ...], int, int]]:
    return [(f.entity_ids, f.start, f.end) for f in matcher.find(text)]


# Pieces that hit every branch: acronyms in and out of words and scripts, characters that change length or are
# not NFKC (ligatures, ß, İ, full-width, no-break space, compatibility squares), Hangul jamo, combining marks,
# dashes and apostrophes, a lone surrogate.
PIECES = [
    "US", "UN", "us", "Un", "USA", "U.S.", "DPRK", "KCNA", "ROK", "SPA", "WPK", "KPA", "Kim Jong Un", "Kim Jong-un",
    "KIM JONG UN", "김정은", "조선로동당", "로동당", "동지께서", "金正恩", "中国", "Ким Чен Ын", "Pyongyang", "Japan",
    "Japanese", "ﬁ", "ß", "İ", "ŉ", "ΣΑΣ", "ς", "ＵＳ", "Ｋｉｍ", "\u3000", "\u00a0", "\u2009", "㎡", "℃", "Ⅻ", "…",
    "e\u0301", "\u1100\u1161", "ㄱ", "한", "-", "—", "\u00ad", "’", "'", " ", "\n", "\t", "a", "1", ".", ",", "(",
    "\ud800", "😀", "\x00", "Workers’ Party of Korea", "Democratic People’s Republic of Korea",
]  # fmt: skip
HOSTILE = [
    "",
    " ",
    "US",
    "ＵＳ and US",
    "ﬁne Straße: Ｋｉｍ Ｊｏｎｇ Ｕｎ visited the US",
    "İstanbul USA\u00a0US\u00a0UN",
    "ßUS UNß ﬁUN ㎡US US㎡",
    "김정은US 한국UN 조선로동당중앙위원회",
    "USUSUSUS US-US U.S.A.",
    "\u00a0" * 50 + "Kim Jong Un" + "\u00a0" * 50,
    "DPRK" * 200,
    "Kim Jong Un " * 300,
]


def random_texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 40))) for _ in range(count)]


@pytest.fixture(scope="module")
def real_texts(shared_dir) -> list[str]:
    """Every KCNA text as the receiver reads it (repaired) and as published, and every Korean text."""
    raw = json.loads((shared_dir / "data" / "kcna-en" / "articles.json").read_text(encoding="utf-8"))
    texts = [f"{row['headline']}\n{row['story_text']}" for row in kcna_rows(shared_dir)]
    texts += [f"{row.get('headline') or ''}\n{row.get('story_text') or ''}" for row in raw]
    korean = sorted((shared_dir / "data" / "korean").glob("*.txt"))
    assert len(texts) > 2000 and korean, "the shared KCNA and Korean sets are incomplete"
    return texts + [path.read_text(encoding="utf-8") for path in korean]


def test_normalising_matches_the_reference_on_real_and_hostile_texts(real_texts):
    for text in real_texts + HOSTILE + random_texts(3000, seed=7):
        assert normalise_with_offsets(text) == reference_normalise(text), repr(text[:80])


def test_slow_path_texts_are_among_the_real_texts(real_texts):
    # The per-character path must be exercised by real data, not only by the hostile inputs.
    assert sum(reference_normalise(text)[1] is not None for text in real_texts) >= 10


@pytest.mark.django_db
def test_aliases_normalise_as_the_reference_does():
    for text in [text for _, text in alias_pairs()] + PIECES + HOSTILE:
        assert normalise_alias(text) == reference_alias(text), repr(text)


@pytest.mark.django_db
def test_gazetteer_matcher_finds_what_the_reference_finds_on_real_and_hostile_texts(real_texts):
    matcher, reference = current_matcher(), ReferenceMatcher(alias_pairs())
    assert matcher.cased, "the seed gazetteer has case-sensitive acronyms: the str.find path must be tested"
    texts = real_texts + HOSTILE + random_texts(3000, seed=11)
    assert sum(len(found(matcher, text)) for text in real_texts) > 10_000
    for text in texts:
        assert found(matcher, text) == reference.find(text), repr(text[:80])


@pytest.mark.parametrize(
    "aliases",
    [
        [(1, "Un"), (2, "UN"), (3, "United Nations")],  # the first spelling of a key decides its case rule
        [(2, "UN"), (1, "Un"), (3, "US"), (4, "USA"), (5, "U S")],
        [(1, "US"), (2, "UN"), (3, "ROK")],  # acronyms only: an empty automaton
        [(1, "ＵＳ"), (2, "ß"), (3, "ss"), (4, "ﬁ"), (5, "FI"), (6, "한국"), (7, "국")],
        [],
    ],
)
def test_small_gazetteers_match_as_the_reference_does(aliases):
    matcher, reference = Matcher(aliases), ReferenceMatcher(aliases)
    for text in HOSTILE + random_texts(1500, seed=len(aliases)):
        assert found(matcher, text) == reference.find(text), repr(text[:80])
