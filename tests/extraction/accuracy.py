"""Scoring extractors on pages whose right answer is known (used by tests and bench/ingest.py).

Two measures. ``snippet_score``: trafilatura's evaluation pages (../shared/data/extraction), each with snippets
its main text must contain and snippets it must not, as in its own evaluation. ``text_score``: pages built from
known texts (the KCNA set), word-level precision and recall of the extracted text against the known one (bag of
words, as in the CleanEval-style comparisons), and the share of pages whose words come out exactly.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

Extractor = Callable[[str, str], str]  # (html, url) -> main text
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class SnippetScore:
    passed: int
    checks: int
    whole_pages: int
    pages: int

    @property
    def share(self) -> float:
        return self.passed / self.checks if self.checks else 0.0


@dataclass(frozen=True)
class TextScore:
    f1: float  # mean over pages
    exact: int  # pages whose extracted words equal the known ones
    pages: int


def evaluation_pages(folder: Path) -> list[tuple[str, str, dict]]:
    """(url, html, expected) of each page of trafilatura's evaluation set in ``folder``."""
    pages = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
    return [
        (url, str(from_bytes((folder / "html" / expected["file"]).read_bytes()).best()), expected)
        for url, expected in pages.items()
    ]


def snippet_score(pages: Iterable[tuple[str, str, dict]], extract: Extractor) -> SnippetScore:
    passed = checks = whole = count = 0
    for url, html, expected in pages:
        text = extract(html, url)
        found = [snippet in text for snippet in expected["with"]]
        absent = [snippet not in text for snippet in expected["without"]]
        checks += len(found) + len(absent)
        passed += sum(found) + sum(absent)
        whole += all(found) and all(absent)
        count += 1
    return SnippetScore(passed, checks, whole, count)


def word_f1(extracted: str, known: str) -> float:
    got, want = Counter(_WORD.findall(extracted.casefold())), Counter(_WORD.findall(known.casefold()))
    common = sum((got & want).values())
    if not common:
        return 1.0 if not got and not want else 0.0
    precision, recall = common / sum(got.values()), common / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def text_score(pages: Iterable[tuple[str, str, str]], extract: Extractor) -> TextScore:
    """``pages``: (url, html, known text)."""
    scores, exact = [], 0
    for url, html, known in pages:
        text = extract(html, url)
        scores.append(word_f1(text, known))
        exact += _WORD.findall(text.casefold()) == _WORD.findall(known.casefold())
    return TextScore(sum(scores) / len(scores) if scores else 0.0, exact, len(scores))
