"""Finding the gazetteer's aliases in text: one Aho-Corasick automaton (pyahocorasick) over every alias.

The automaton is built once per process and rebuilt when ``GazetteerRevision`` moves (any process that edits the
gazetteer bumps it), so an admin edit reaches the watcher on its next article, at the cost of one tiny query.

Where a match may stand (checked on the normalised text around it):

* Scripts written with spaces (Latin, Cyrillic, Arabic, digits...): the alias must start and end at a word
  boundary, so "Kim Jong Un" is not found in "Kim Jong Unmet" (the extractor repairs KCNA's glued names before
  we see the text, so that damage is already undone).
* Korean (Hangul): nothing Hangul may come *before* the alias (a name inside a longer word), but Hangul may follow
  an alias of two or more syllables: Korean glues particles and titles to names (김정은동지께서, 김정은은,
  로동당의). A one-syllable alias is too likely to be part of another word, so it needs a non-Hangul neighbour.
  The accepted cost: a four-syllable word starting with a three-syllable name (rare for names) matches too.
* Chinese and Japanese are written without spaces: any position, but aliases must be two characters or more.
* Overlapping matches: the longest wins, then the leftmost ("조선로동당" is the party, not "조선" + rest).
* All-capital Latin aliases of up to four letters (WPK, KPA, US, UN) must match case-sensitively, or "us" and
  "un" in ordinary words would be countries. They are looked for as written in the original text (``str.find``)
  rather than in the automaton: "us" and "un" are inside half the words of an English text, and each of those
  hits cost a Python step before it was refused.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from dataclasses import dataclass

import ahocorasick

from wirewatch.entities.normalise import normalise_alias, normalise_with_offsets

ACRONYM_MAX = 4


@dataclass(frozen=True)
class Found:
    entity_ids: tuple[int, ...]  # usually one; more when two entities share a spelling
    start: int  # offsets in the original text
    end: int


@dataclass(frozen=True)
class _Entry:
    entity_ids: tuple[int, ...]
    length: int
    exact: str | None  # the alias as written, when it must match case-sensitively


# Per character: (written with spaces and alphanumeric, Hangul), the two facts ``_stands_alone`` asks. Bounded.
_CLASSES: dict[str, tuple[bool, bool]] = {}
_CLASSES_MAX = 50_000


def _is_hangul(char: str) -> bool:
    return "\uac00" <= char <= "\ud7a3" or "\u1100" <= char <= "\u11ff" or "\u3130" <= char <= "\u318f"


def _is_cjk(char: str) -> bool:
    return "\u3040" <= char <= "\u30ff" or "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def _spaced_word_char(char: str) -> bool:
    return char.isalnum() and not _is_hangul(char) and not _is_cjk(char)


def _classes(char: str) -> tuple[bool, bool]:
    try:
        return _CLASSES[char]
    except KeyError:
        pass
    classes = (_spaced_word_char(char), _is_hangul(char))
    if len(_CLASSES) < _CLASSES_MAX:
        _CLASSES[char] = classes
    return classes


def _acronym(text: str) -> bool:
    return text.isascii() and text.isalpha() and text.isupper() and len(text) <= ACRONYM_MAX


def usable_alias(text: str) -> bool:
    """Whether an alias can be matched at all: at least two characters once normalised."""
    return len(normalise_alias(text)) >= 2


class Matcher:
    def __init__(self, aliases: list[tuple[int, str]], tracked: frozenset[int] = frozenset(),
                 places: frozenset[int] = frozenset()):  # fmt: skip
        """``aliases``: (entity id, alias text) pairs; ``tracked``: people whose appearances we list;
        ``places``: the place entities (for an appearance's place)."""
        self.tracked, self.places = tracked, places
        grouped: dict[str, tuple[set[int], str | None]] = {}
        for entity_id, text in aliases:
            key = normalise_alias(text)
            if len(key) < 2:
                continue
            ids, exact = grouped.setdefault(key, (set(), text.strip() if _acronym(text.strip()) else None))
            ids.add(entity_id)
        self.automaton = ahocorasick.Automaton()
        self.cased: list[_Entry] = []  # found with str.find in the original text: see the module's docstring
        for key, (ids, exact) in grouped.items():
            entry = _Entry(tuple(sorted(ids)), len(key), exact)
            if exact is not None and exact.lower() == key:
                self.cased.append(entry)
            else:
                self.automaton.add_word(key, entry)
        self.size = len(grouped)
        if len(self.automaton):
            self.automaton.make_automaton()

    def find(self, text: str) -> list[Found]:
        """Every accepted alias occurrence in ``text``, in text order, none overlapping."""
        if not self.size or not text:
            return []
        normal, offsets = normalise_with_offsets(text)
        candidates = self._cased_candidates(text, normal, offsets)
        if len(self.automaton):
            for end, entry in self.automaton.iter(normal):
                start = end - entry.length + 1
                if _stands_alone(normal, start, end + 1) and _case_ok(text, offsets, start, end, entry):
                    candidates.append((start, end + 1, entry))
        return [
            _found(start, end, entry, offsets)
            for start, end, entry in _longest_first(candidates, len(normal))
        ]

    def _cased_candidates(
        self, text: str, normal: str, offsets: list[int] | None
    ) -> list[tuple[int, int, _Entry]]:
        """The case-sensitive aliases where they stand alone, as (start, end, entry) in ``normal``. Each is ASCII
        capitals, and an ASCII capital normalises to one character (its lower case), so an occurrence at ``at`` in
        ``text`` is the same alias at the normalised index whose offset is ``at``, and nowhere else."""
        candidates = []
        for entry in self.cased:
            at = text.find(entry.exact)  # type: ignore[arg-type]
            while at != -1:
                start = at if offsets is None else bisect_left(offsets, at)
                if _stands_alone(normal, start, start + entry.length):
                    candidates.append((start, start + entry.length, entry))
                at = text.find(entry.exact, at + 1)  # type: ignore[arg-type]
        return candidates


def _stands_alone(normal: str, start: int, end: int) -> bool:
    first_word, first_hangul = _classes(normal[start])
    last_word, last_hangul = _classes(normal[end - 1])
    before_word, before_hangul = _classes(normal[start - 1]) if start > 0 else _SPACE
    after_word, after_hangul = _classes(normal[end]) if end < len(normal) else _SPACE
    if (first_word and before_word) or (last_word and after_word) or (first_hangul and before_hangul):
        return False
    return not (last_hangul and after_hangul and end - start < 2)


_SPACE = (False, False)  # the classes of " ", which stands for the text's ends


def _case_ok(text: str, offsets: list[int] | None, start: int, end: int, entry: _Entry) -> bool:
    if entry.exact is None:
        return True
    original = text[start : end + 1] if offsets is None else text[offsets[start] : offsets[end] + 1]
    return original == entry.exact


def _longest_first(candidates: list[tuple[int, int, _Entry]], size: int) -> list[tuple[int, int, _Entry]]:
    """Longest first, then leftmost, each kept when it overlaps none kept before. Spans are never empty, so two
    overlap exactly when they share a position: ``used`` marks the kept positions (linear, not quadratic)."""
    if not candidates:
        return []
    taken: list[tuple[int, int, _Entry]] = []
    used = bytearray(size)
    for start, end, entry in sorted(candidates, key=lambda c: (c[0] - c[1], c[0])):
        if used.find(1, start, end) == -1:
            taken.append((start, end, entry))
            used[start:end] = b"\x01" * (end - start)
    return sorted(taken, key=lambda c: c[0])


def _found(start: int, end: int, entry: _Entry, offsets: list[int] | None) -> Found:
    if offsets is not None:
        start, end = offsets[start], offsets[end - 1] + 1
    return Found(entry.entity_ids, start, end)


_lock = threading.Lock()
_cached: tuple[tuple, Matcher] | None = None


def current_matcher() -> Matcher:
    """The process's matcher for the gazetteer as it is now (rebuilt when its revision moved)."""
    global _cached
    from wirewatch.entities.gazetteer import alias_pairs, entity_sets, revision

    number = revision()
    with _lock:
        if _cached is None or _cached[0] != number:
            _cached = (number, Matcher(alias_pairs(), *entity_sets()))
        return _cached[1]
