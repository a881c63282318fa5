"""How alike two texts are, and whether a page is an error page: for ID reuse and soft-404 detection.

Shingle (w-gram) Jaccard resemblance (Broder, "On the resemblance and containment of documents", 1997). Texts
here are at most a few hundred kB, so exact sets are cheap and need no MinHash sketch. Words for spaced
scripts, characters for Chinese and Japanese (no spaces between words), so CJK pages compare as well.
"""

from __future__ import annotations

import re
import unicodedata

SHINGLE = 3
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"\w+")
# "Page not found" in the languages of the sources we watch; a short page saying one of these is a soft 404.
_NOT_FOUND = re.compile(
    r"not\s+found|no\s+longer\s+(?:available|exists)|does\s+not\s+exist|page\s+(?:was\s+)?removed|\b404\b"
    r"|없습니다|찾을\s*수\s*없|존재하지\s*않|페이지가\s*없"
    r"|页面不存在|找不到|未找到|已删除|ページが見つかりません|存在しません"
    r"|не\s+найден|не\s+существует|страница\s+удалена"
    r"|غير\s+موجود|لم\s+يتم\s+العثور",
    re.IGNORECASE,
)
SOFT_404_MAX_CHARS = 500  # an article that merely mentions "not found" is longer than an error page


def _units(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).casefold()
    if len(_CJK.findall(text)) > len(text) / 4:
        return [ch for ch in text if not ch.isspace()]
    return _WORD.findall(text)


def shingles(text: str, size: int = SHINGLE) -> set[tuple[str, ...]]:
    units = _units(text)
    if len(units) < size:
        return {tuple(units)} if units else set()
    return {tuple(units[i : i + size]) for i in range(len(units) - size + 1)}


def resemblance(a: str, b: str) -> float:
    """Jaccard similarity of the two texts' shingle sets: 1.0 the same, 0.0 nothing in common."""
    left, right = shingles(a), shingles(b)
    if not left and not right:
        return 1.0
    return len(left & right) / len(left | right)


def says_not_found(title: str, text: str) -> bool:
    """A short page whose headline or text says the page does not exist (a "soft 404")."""
    if len(text) > SOFT_404_MAX_CHARS:
        return bool(_NOT_FOUND.search(title))
    return bool(_NOT_FOUND.search(title) or _NOT_FOUND.search(text))


def same_title(a: str, b: str) -> bool:
    return " ".join(_units(a)) == " ".join(_units(b))
