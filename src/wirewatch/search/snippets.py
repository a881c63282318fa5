"""Highlighted snippets, built by us from word offsets in the indexed (current) text.

The text is analysed with the same function as the index, a window is cut around the first matching word, and
every piece is HTML-escaped before the <mark> tags go in: no source text ever reaches the page unescaped.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from wirewatch.search.analysis import Word, normalise, words
from wirewatch.search.compile import Highlights

WINDOW_BEFORE = 80
WINDOW_AFTER = 220
# Analysing text costs (Korean: ~13 ms per 1,000 characters), so we analyse only a window around a place where
# a cheap substring test says a match may be, trying at most this many places.
MAX_TRIES = 6
_HANGUL_INITIALS = (2, 5, 11)  # ㄴ ㄹ ㅇ: the initials the 두음법칙 swaps, see wirewatch.search.dueum


def _initial_variants(token: str) -> list[str]:
    """``token`` with its first Hangul syllable under each of ㄴ/ㄹ/ㅇ: folded query forms meet both spellings."""
    if not token or not "\uac00" <= token[0] <= "\ud7a3":
        return [token]
    code = ord(token[0]) - 0xAC00
    initial, rest = divmod(code, 588)
    if initial not in _HANGUL_INITIALS:
        return [token]
    return [chr(0xAC00 + other * 588 + rest) + token[1:] for other in _HANGUL_INITIALS]


def _needle(token: str) -> str:
    # A Korean base form (강화하다, 이룩하다) is not a substring of its inflections (이룩한): its first two
    # syllables are. Other tokens (stems, prefixes) are substrings of the words they match.
    return token[:2] if "\uac00" <= token[:1] <= "\ud7a3" else token


def _tokens(highlights: Highlights) -> set[str]:
    return {key[0] for key in highlights.keys if key} | highlights.surfaces | highlights.prefixes


def korean_tokens(highlights: Highlights) -> set[str]:
    return {token for token in _tokens(highlights) if "\uac00" <= token[:1] <= "\ud7a3"}


def needles(highlights: Highlights) -> set[str]:
    tokens = _tokens(highlights)
    found = {variant for token in tokens for variant in _initial_variants(_needle(token)) if variant}
    return found | highlights.cjk


def _candidates(text: str, wanted: set[str]) -> list[int]:
    lowered = text.lower()  # lower(), not casefold(): it keeps offsets for the scripts we read
    positions = set()
    for needle in wanted:
        at = lowered.find(needle)
        for _ in range(MAX_TRIES):
            if at < 0:
                break
            positions.add(at)
            at = lowered.find(needle, at + 1)
    return sorted(positions)[:MAX_TRIES]


def _spans_in_word(word: Word, text: str, marks: _Marks) -> list[tuple[int, int]]:
    if word.kind == "cjk":
        original = normalise(text[word.start : word.end])
        spans = []
        for needle in marks.highlights.cjk:
            at = original.find(needle)
            while at >= 0 and len(original) == word.end - word.start:
                spans.append((word.start + at, word.start + at + len(needle)))
                at = original.find(needle, at + 1)
        return spans
    if word.kind == "ko":
        # No morphological analysis here (7 ms a window): a Korean word is marked when it contains the start of
        # a query word in any initial-sound spelling — 강화 in 강화되였다, 로동당 in 조선로동당의.
        return [(word.start, word.end)] if any(n in word.surface for n in marks.korean) else []
    # Other words: folding (dueum.fold) changes only a token that starts with a Hangul syllable, which theirs
    # never do (tests/search/test_snippets.py checks every character), so their tokens are compared as they are.
    highlights = marks.highlights
    hit = (
        word.surface in highlights.surfaces
        or any(key <= set(word.tokens) for key in marks.keys)
        or any(word.surface.startswith(prefix) for prefix in highlights.prefixes)
    )
    return [(word.start, word.end)] if hit else []


@dataclass(frozen=True)
class _Marks:
    """What ``_spans_in_word`` looks for, prepared once per snippet instead of once per word."""

    highlights: Highlights
    keys: tuple[frozenset[str], ...]
    korean: frozenset[str]


def _spans(text: str, highlights: Highlights, dueum: bool) -> list[tuple[int, int]]:
    """Match spans in the first window (around a candidate position) that has any."""
    wanted = needles(highlights)
    korean = {needle for needle in wanted if "\uac00" <= needle[:1] <= "\ud7a3"}
    if not dueum:
        korean = {_needle(token) for token in korean_tokens(highlights)}
    marks = _Marks(highlights, tuple(frozenset(key) for key in highlights.keys), frozenset(korean))
    for position in _candidates(text, wanted):
        start, end = _window(text, position)
        piece = text[start:end]
        spans = [
            (start + a, start + b)
            for word in words(piece, morphology=False)
            for a, b in _spans_in_word(word, piece, marks)
        ]
        if spans:
            return sorted(set(spans))
    return []


def _window(text: str, first: int) -> tuple[int, int]:
    start = max(0, first - WINDOW_BEFORE)
    if start > 0:
        blank = text.find(" ", start, first)
        start = blank + 1 if blank >= 0 else start
    end = min(len(text), start + WINDOW_BEFORE + WINDOW_AFTER)
    if end < len(text):
        blank = text.rfind(" ", first, end)
        end = blank if blank > first else end
    return start, end


def snippet(text: str, highlights: Highlights, dueum: bool) -> SafeString:
    """A short, escaped excerpt of ``text`` with the matched words in <mark>."""
    spans = _spans(text, highlights, dueum)
    if not spans:
        start, end = _window(text, 0)
        return mark_safe(escape(text[start:end]) + ("…" if end < len(text) else ""))
    start, end = _window(text, spans[0][0])
    pieces, position = ["…" if start > 0 else ""], start
    for span_start, span_end in spans:
        if span_start < position or span_end > end:
            continue
        pieces += [escape(text[position:span_start]), "<mark>", escape(text[span_start:span_end]), "</mark>"]
        position = span_end
    pieces += [escape(text[position:end]), "…" if end < len(text) else ""]
    return mark_safe("".join(pieces))  # every piece of text above went through escape()
