"""The one text form that aliases and articles are both matched in.

NFKC (full-width letters and digits, compatibility forms), case folded (Latin, Cyrillic, Greek; other scripts have
no case), every hyphen and dash a space ("Kim Jong-un" = "Kim Jong Un"), typographic apostrophes a plain one
("Workers’ Party" = "Workers' Party"), every whitespace character a space. Matching needs offsets in the original
text, so ``normalise_with_offsets`` also returns, for each normalised character, the index of the original
character it came from.
"""

from __future__ import annotations

import re
import unicodedata

_HYPHENS = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u00ad"
_APOSTROPHES = "\u2018\u2019\u02bc\u02bb\u0060\u00b4\uff07"
_SPACES = (
    "\t\n\r\x0b\x0c\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
)
# One character in, one character out: the replacements keep offsets exact. No replacement is itself a key, so
# replacing one character after another equals one ``str.translate`` (which is slow on non-ASCII text: CPython
# builds its result one character at a time there), and ``str.replace`` runs at C speed.
_REPLACEMENTS = list({**dict.fromkeys(_HYPHENS, " "), **dict.fromkeys(_APOSTROPHES, "'"),
                      **dict.fromkeys(_SPACES, " ")}.items())  # fmt: skip
_RUNS_OF_SPACE = re.compile(r" {2,}")
# Per character: its NFKC form case folded, or None when that is its own case folding, one character long
# ("plain": most of Unicode). Bounded, so hostile text cannot grow it without end.
_FOLDED: dict[str, str | None] = {}
_FOLDED_MAX = 50_000


def _replaced(text: str) -> str:
    """``text`` with ``_REPLACEMENTS`` made (one ``str.translate`` of them, faster)."""
    for char, replacement in _REPLACEMENTS:
        if char in text:
            text = text.replace(char, replacement)
    return text


def normalise_alias(text: str) -> str:
    """An alias in matching form: as an article's text, plus runs of spaces made one and the ends trimmed."""
    folded = _replaced(unicodedata.normalize("NFKC", text).casefold())
    return _RUNS_OF_SPACE.sub(" ", folded).strip()


def normalise_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """``text`` in matching form, and the original index of each of its characters (None: the same index).

    The fast path — text already NFKC whose case folding keeps its length, i.e. nearly all text — is a
    one-to-one translation. Otherwise each character is normalised on its own (text reaching us is NFC, so
    characters do not compose across boundaries) and the offsets are tracked.
    """
    folded = text.casefold()
    if len(folded) == len(text) and unicodedata.is_normalized("NFKC", text):
        return _replaced(folded), None
    return _per_character(text)


def _per_character(text: str) -> tuple[str, list[int]]:
    """Each character's NFKC form, case folded and translated, with the offsets. Only the characters that are
    not plain (see ``_FOLDED``) are handled one by one; the runs between them are case folded at once (case
    folding is per character) and keep their length."""
    special = {char: folded for char in set(text) if (folded := _fold(char)) is not None}
    positions = sorted(at for char in special for at in _occurrences(text, char))
    pieces: list[str] = []
    offsets: list[int] = []
    done = 0
    for at in positions:
        pieces.append(text[done:at].casefold())
        offsets.extend(range(done, at))
        piece = special[text[at]]
        pieces.append(piece)
        offsets.extend([at] * len(piece))
        done = at + 1
    pieces.append(text[done:].casefold())
    offsets.extend(range(done, len(text)))
    return _replaced("".join(pieces)), offsets


def _fold(char: str) -> str | None:
    try:
        return _FOLDED[char]
    except KeyError:
        pass
    folded: str | None = unicodedata.normalize("NFKC", char).casefold()
    if folded == char.casefold() and len(folded) == 1:
        folded = None
    if len(_FOLDED) < _FOLDED_MAX:
        _FOLDED[char] = folded
    return folded


def _occurrences(text: str, char: str) -> list[int]:
    found, at = [], text.find(char)
    while at != -1:
        found.append(at)
        at = text.find(char, at + 1)
    return found
