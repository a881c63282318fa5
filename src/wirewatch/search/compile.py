"""From the query AST to an FTS5 MATCH expression, and to what the snippet should highlight.

Safety: user text never reaches MATCH as syntax. Each term goes through the same analysis as the articles
(wirewatch.search.analysis), and every resulting token is written as an FTS5 string ("..." with " doubled, per
https://sqlite.org/fts5.html#fts5_strings); operators, parentheses and column filters are ours.

FTS5's NOT is binary ("a NOT b"), so a NOT must stand beside something it excludes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wirewatch.search.analysis import Word, words
from wirewatch.search.dueum import fold
from wirewatch.search.query import And, Node, Not, Or, Phrase, QueryError, Term

EXACT_COLUMNS = "{title body}"
FOLDED_COLUMNS = "{title_f body_f}"
UNIGRAM_COLUMN = "{uni}"


@dataclass
class Highlights:
    """What to mark in a text: word-level matches, in the same (folded or not) form as the query."""

    keys: set[tuple[str, ...]] = field(default_factory=set)
    surfaces: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)
    cjk: set[str] = field(default_factory=set)


def quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


class Compiler:
    def __init__(self, dueum: bool) -> None:
        self.dueum = dueum
        self.columns = FOLDED_COLUMNS if dueum else EXACT_COLUMNS
        self.highlights = Highlights()

    def form(self, token: str) -> str:
        return fold(token) if self.dueum else token

    def phrase(self, tokens: tuple[str, ...], columns: str | None = None) -> str:
        return f"{columns or self.columns} : {quote(' '.join(self.form(t) for t in tokens))}"

    def compile(self, node: Node) -> str | None:
        if isinstance(node, Term):
            return self.term(node)
        if isinstance(node, Phrase):
            return self.exact_phrase(node.text)
        if isinstance(node, And):
            return self.conjunction(node)
        if isinstance(node, Or):
            return self.disjunction(node)
        raise QueryError("NOT needs a term to exclude from, e.g. 로동당 NOT 대회 or kim NOT jong.")

    def term(self, node: Term) -> str | None:
        found = list(words(node.text))
        if len(found) != 1:
            return self.exact_phrase(node.text) if found else None
        word = found[0]
        if node.prefix and word.kind != "cjk":
            self.highlights.prefixes.add(self.form(word.surface))
            return f"{self.columns} : {quote(self.form(word.surface))}*"
        return self.bare_word(word)

    def bare_word(self, word: Word) -> str:
        if word.kind == "cjk":
            self.highlights.cjk.add(word.surface)
            if len(word.surface) == 1:
                return self.phrase((word.surface,), UNIGRAM_COLUMN)
            return self.phrase(word.key)
        self.highlights.keys.add(tuple(self.form(t) for t in word.key))
        by_base = self.phrase(word.key)
        if word.kind == "ko" and (word.surface,) != word.key:
            # The analysis of a lone word can differ from the same word in a sentence: the surface form is the
            # safety net.
            self.highlights.surfaces.add(self.form(word.surface))
            return f"({by_base} OR {self.phrase((word.surface,))})"
        return by_base

    def exact_phrase(self, text: str) -> str | None:
        found = list(words(text))
        if not found:
            return None
        if len(found) == 1 and found[0].kind == "cjk" and len(found[0].surface) == 1:
            return self.bare_word(found[0])
        for word in found:
            if word.kind == "cjk":
                self.highlights.cjk.add(word.surface)
            else:
                self.highlights.surfaces.add(self.form(word.surface))
        return self.phrase(tuple(token for word in found for token in word.tokens))

    def conjunction(self, node: And) -> str | None:
        positives = [self.compile(c) for c in node.children if not isinstance(c, Not)]
        negatives = [self.negated(c.child) for c in node.children if isinstance(c, Not)]
        positives = [p for p in positives if p]
        negatives = [n for n in negatives if n]
        if not positives:
            if negatives:
                raise QueryError("NOT needs a term to exclude from, e.g. 로동당 NOT 대회 or kim NOT jong.")
            return None
        expression = "(" + " AND ".join(positives) + ")"
        for negative in negatives:
            expression = f"({expression} NOT ({negative}))"
        return expression

    def negated(self, node: Node) -> str | None:
        saved, self.highlights = self.highlights, Highlights()  # excluded terms are not highlighted
        try:
            return self.compile(node)
        finally:
            self.highlights = saved

    def disjunction(self, node: Or) -> str | None:
        if any(isinstance(child, Not) for child in node.children):
            raise QueryError("NOT cannot stand alone beside OR: write a NOT b, or (a OR b) NOT c.")
        parts = [p for p in (self.compile(child) for child in node.children) if p]
        return "(" + " OR ".join(parts) + ")" if parts else None


def compile_query(tree: Node, dueum: bool) -> tuple[str | None, Highlights]:
    """The MATCH expression (None when no term has any searchable characters) and the highlights."""
    compiler = Compiler(dueum)
    return compiler.compile(tree), compiler.highlights
