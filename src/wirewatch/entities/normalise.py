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
# One character in, one character out: str.translate keeps offsets exact.
_TABLE = str.maketrans({**dict.fromkeys(_HYPHENS, " "), **dict.fromkeys(_APOSTROPHES, "'"),
                        **dict.fromkeys(_SPACES, " ")})  # fmt: skip
_RUNS_OF_SPACE = re.compile(r" {2,}")


def normalise_alias(text: str) -> str:
    """An alias in matching form: as an article's text, plus runs of spaces made one and the ends trimmed."""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_TABLE)
    return _RUNS_OF_SPACE.sub(" ", folded).strip()


def normalise_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """``text`` in matching form, and the original index of each of its characters (None: the same index).

    The fast path — text already NFKC whose case folding keeps its length, i.e. nearly all text — is a
    one-to-one translation. Otherwise each character is normalised on its own (text reaching us is NFC, so
    characters do not compose across boundaries) and the offsets are tracked.
    """
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
