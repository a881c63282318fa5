"""Word-level diffs between two versions: the title, and the body paragraph by paragraph.

difflib (stdlib) does the matching; what no library does for us is the tokenisation: words and punctuation
for spaced scripts, eojeol (space-separated units) for Korean, single characters for Chinese and Japanese,
which write words without spaces. The body is matched by paragraphs first, then word by word inside the
paragraphs that changed: faster on long texts, and a diff a reader can follow.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

EQUAL, DELETE, INSERT = "equal", "delete", "insert"
# A token carries the whitespace after it: a lone " " token would be the commonest of all, and difflib's
# matcher slows down with the square of a token's frequency when autojunk is off (which it must be: with it,
# every frequent word would be junk and diffs of long texts would be poor).
_SPACED = re.compile(r"[\w'’-]+\s*|[^\w\s]\s*|\s+")
_EOJEOL = re.compile(r"\S+\s*|\s+")
_CHARS = re.compile(r"\S\s*|\s+")
MAX_TOKENS = 60_000  # beyond this a paragraph pair is shown as replaced whole (quadratic matcher)


@dataclass(frozen=True)
class Op:
    kind: str  # equal | delete | insert
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"op": self.kind, "text": self.text}


def tokenise(text: str, language: str = "") -> list[str]:
    """Tokens whose concatenation is ``text``: whitespace runs are tokens too."""
    base = language.split("-")[0].lower()
    if base in ("zh", "ja"):
        return _CHARS.findall(text)
    if base == "ko":
        return _EOJEOL.findall(text)
    return _SPACED.findall(text)


def paragraphs(text: str) -> list[str]:
    """Non-empty paragraphs, inner whitespace collapsed (whitespace is no change: see contenthash.content_hash)."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _merge(ops: list[Op]) -> list[Op]:
    merged: list[Op] = []
    for op in ops:
        if not op.text:
            continue
        if merged and merged[-1].kind == op.kind:
            merged[-1] = Op(op.kind, merged[-1].text + op.text)
        else:
            merged.append(op)
    return merged


def diff_tokens(old: list[str], new: list[str]) -> list[Op]:
    if len(old) + len(new) > MAX_TOKENS:
        return _merge([Op(DELETE, "".join(old)), Op(INSERT, "".join(new))])
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    ops: list[Op] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops.append(Op(EQUAL, "".join(old[i1:i2])))
            continue
        ops.append(Op(DELETE, "".join(old[i1:i2])))
        ops.append(Op(INSERT, "".join(new[j1:j2])))
    return _merge(ops)


def diff_line(old: str, new: str, language: str = "") -> list[Op]:
    """Word-level diff of two one-line strings (a title, a paragraph)."""
    return diff_tokens(tokenise(" ".join(old.split()), language), tokenise(" ".join(new.split()), language))


def diff_body(old: str, new: str, language: str = "") -> list[list[Op]]:
    """The body diff as paragraphs, each a list of ops; a whole paragraph added or dropped is one op."""
    left, right = paragraphs(old), paragraphs(new)
    rows: list[list[Op]] = []
    matcher = difflib.SequenceMatcher(None, left, right, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows.extend([Op(EQUAL, p)] for p in left[i1:i2])
        elif tag == "replace":
            rows.extend(_pair_paragraphs(left[i1:i2], right[j1:j2], language))
        else:
            rows.extend([Op(DELETE, p)] for p in left[i1:i2])
            rows.extend([Op(INSERT, p)] for p in right[j1:j2])
    return rows


def _pair_paragraphs(left: list[str], right: list[str], language: str) -> list[list[Op]]:
    """Changed paragraphs word-diffed as one stream with paragraph breaks as tokens, then cut back into
    paragraphs: a paragraph split, merged, added or dropped among edited ones still lines up."""
    old = [token for p in left for token in (*tokenise(p, language), "\n")]
    new = [token for p in right for token in (*tokenise(p, language), "\n")]
    rows: list[list[Op]] = [[]]
    for op in diff_tokens(old, new):
        pieces = op.text.split("\n")
        for index, piece in enumerate(pieces):
            if index:
                rows.append([])
            rows[-1] = _merge([*rows[-1], Op(op.kind, piece)])
    return [row for row in rows if row]


def side(ops: list[Op], which: str) -> str:
    """One side's text back from the ops: ``old`` (equal + delete) or ``new`` (equal + insert)."""
    keep = DELETE if which == "old" else INSERT
    return "".join(op.text for op in ops if op.kind in (EQUAL, keep))


def changed_words(ops: list[Op], kind: str) -> list[str]:
    """The words deleted or inserted, in order (whitespace dropped)."""
    return [word for op in ops if op.kind == kind for word in op.text.split()]


def diff_versions(old, new, language: str = "") -> dict:
    """The structured diff of two versions (objects with ``title``, ``text``, ``number``), for page and API."""
    language = language or getattr(new, "language", "")
    title = diff_line(old.title, new.title, language)
    body = diff_body(old.text, new.text, language)
    return {
        "from": old.number,
        "to": new.number,
        "title": [op.as_dict() for op in title],
        "body": [[op.as_dict() for op in row] for row in body],
        "changed": any(op.kind != EQUAL for op in title)
        or any(op.kind != EQUAL for row in body for op in row),
    }
