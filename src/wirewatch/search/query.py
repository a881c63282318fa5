"""The query language: a small lexer and a recursive-descent parser producing an AST.

    query   := or
    or      := and ("OR" and)*
    and     := unary (["AND"] unary)*          -- two terms side by side mean AND
    unary   := ("NOT" | "-") unary | primary
    primary := "(" or ")" | '"' phrase '"' | word["*"]

Field filters (``source:kcna-en``, ``lang:ko``, ``from:2024-01-01``, ``to:2024-12-31``, ``entity:kim-jong-un``)
may stand anywhere at the top level; they restrict the whole query. The same field twice means either value.

Written by hand rather than with a parser library: the grammar is five rules, and the limits below (length,
terms, depth) must be enforced before any work is done — a 100,000-character query is refused in microseconds.
Every message is for the user: it says what is wrong and how to write it instead.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

MAX_QUERY_LENGTH = 1000
# Blanks, and the zero-width (non-)joiners that Persian, Arabic and Indic typing needs; other control and
# format characters (NUL, bidi overrides...) are refused.
_ALLOWED_FORMAT = "\t\n\r\u200c\u200d"
MAX_TERMS = 50
MAX_DEPTH = 10
FIELDS = ("source", "lang", "from", "to", "entity")
_TOKEN_RE = re.compile(r'\s*(?:(\()|(\))|"([^"]*)("?)|([^\s()"]+))')
_FIELD_RE = re.compile(r"^([A-Za-z]+):(.*)$")
_SLUG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")
_LANG_RE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")


class QueryError(ValueError):
    """A malformed query; the message is shown to the user as is."""


@dataclass(frozen=True)
class Term:
    text: str
    prefix: bool = False


@dataclass(frozen=True)
class Phrase:
    text: str


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


Node = Term | Phrase | Not | And | Or


@dataclass
class Filters:
    sources: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    date_from: date | None = None
    date_to: date | None = None
    entities: list[str] = field(default_factory=list)


@dataclass
class ParsedQuery:
    tree: Node | None  # None: filters only
    filters: Filters


def _lex(text: str) -> list[tuple[str, str]]:
    """(kind, value) pairs: "(", ")", "phrase", "word"."""
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        match = _TOKEN_RE.match(text, position)
        if match is None or match.end() == position:  # only trailing blanks are left
            break
        position = match.end()
        opening, closing, phrase, closed, word = match.groups()
        if opening or closing:
            tokens.append((opening or closing, ""))
        elif phrase is not None:
            if not closed:
                raise QueryError('A quotation mark is not closed: write phrases as "two words".')
            tokens.append(("phrase", phrase))
        elif word:
            tokens.append(("word", word))
    return tokens


def _date(value: str, name: str) -> date:
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise QueryError(f"{name}: needs a date written YYYY-MM-DD, e.g. {name}:2024-07-14.")


def _add_filter(filters: Filters, name: str, value: str) -> None:
    if not value:
        raise QueryError(f"{name}: needs a value, e.g. {_EXAMPLES[name]}.")
    if name == "source" or name == "entity":
        if not _SLUG_RE.match(value):
            raise QueryError(f"{name}: takes a slug (letters, digits, - and _), e.g. {_EXAMPLES[name]}.")
        (filters.sources if name == "source" else filters.entities).append(value.lower())
    elif name == "lang":
        if not _LANG_RE.match(value):
            raise QueryError("lang: takes a language code, e.g. lang:ko.")
        filters.languages.append(value.lower())
    elif name == "from":
        filters.date_from = _date(value, name)
    else:
        filters.date_to = _date(value, name)


_EXAMPLES = {
    "source": "source:kcna-en",
    "entity": "entity:kim-jong-un",
    "lang": "lang:ko",
    "from": "from:2024-01-01",
    "to": "to:2024-12-31",
}


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens, self.position, self.terms = tokens, 0, 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def is_operator(self, name: str) -> bool:
        return self.peek() == ("word", name)

    def parse(self) -> Node:
        node = self.parse_or(0)
        if self.peek() is not None:
            raise QueryError("A closing parenthesis has no opening one.")
        return node

    def parse_or(self, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise QueryError(f"The query nests parentheses too deeply (at most {MAX_DEPTH}).")
        children = [self.parse_and(depth)]
        while self.is_operator("OR"):
            self.position += 1
            children.append(self.parse_and(depth))
        return children[0] if len(children) == 1 else Or(tuple(children))

    def parse_and(self, depth: int) -> Node:
        children = [self.parse_unary(depth)]
        while (token := self.peek()) is not None and token[0] != ")" and not self.is_operator("OR"):
            if self.is_operator("AND"):
                self.position += 1
            children.append(self.parse_unary(depth))
        return children[0] if len(children) == 1 else And(tuple(children))

    def parse_unary(self, depth: int) -> Node:
        token = self.peek()
        if token == ("word", "NOT") or (token and token[0] == "word" and token[1] == "-"):
            self.position += 1
            return Not(self.parse_unary(depth + 1))
        if token and token[0] == "word" and token[1].startswith("-") and len(token[1]) > 1:
            self.tokens[self.position] = ("word", token[1][1:])
            return Not(self.parse_unary(depth + 1))
        return self.parse_primary(depth)

    def parse_primary(self, depth: int) -> Node:
        token = self.peek()
        if token is None or token[0] == ")":
            raise QueryError("Something is missing: an operator (AND, OR, NOT) or '(' has nothing after it.")
        self.position += 1
        kind, value = token
        if kind == "(":
            node = self.parse_or(depth + 1)
            if self.peek() != (")", ""):
                raise QueryError("A parenthesis is not closed.")
            self.position += 1
            return node
        if kind == "word" and value in ("AND", "OR"):
            raise QueryError(f"{value} needs a term on each side.")
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise QueryError(f"The query has too many terms (at most {MAX_TERMS}).")
        if kind == "phrase":
            return Phrase(value)
        prefix = value.endswith("*") and len(value.rstrip("*")) > 0
        return Term(value.rstrip("*"), prefix=prefix)


def _check_text(text: str) -> None:
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(f"The query is too long ({len(text):,} characters; at most {MAX_QUERY_LENGTH:,}).")
    if any(unicodedata.category(char) in ("Cc", "Cs", "Cf") and char not in _ALLOWED_FORMAT for char in text):
        raise QueryError("The query contains control characters; type it as plain text.")


def _split_filters(tokens: list[tuple[str, str]], filters: Filters) -> list[tuple[str, str]]:
    kept = []
    for kind, value in tokens:
        match = _FIELD_RE.match(value) if kind == "word" else None
        if match and match.group(1).lower() in FIELDS:
            _add_filter(filters, match.group(1).lower(), match.group(2))
        else:
            kept.append((kind, value))
    return kept


def parse(text: str) -> ParsedQuery:
    """The AST and filters of ``text``; QueryError with a user-facing message when it is malformed."""
    _check_text(text)
    filters = Filters()
    tokens = _split_filters(_lex(text), filters)
    if not tokens:
        if filters == Filters():
            raise QueryError("Type something to search for.")
        return ParsedQuery(None, filters)
    return ParsedQuery(_Parser(tokens).parse(), filters)
