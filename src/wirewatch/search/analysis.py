"""Text analysis: the same function turns an article and a query into index tokens, so that both meet.

A text is cut into *words* by script (Hangul runs, CJK runs, other letter/digit runs); each word gives a short
group of tokens, always in the same order, so that FTS5 phrase queries over the space-joined stream still work:

- Korean (kiwipiepy morphological analysis): the surface eojeol, then its content morphemes in base form —
  nouns as they are, verbs/adjectives as stem + 다, noun + 하다/되다 suffix as noun + 하다 (되다 is the passive
  of 하다: 강화되였다 belongs with 강화하다), particles and endings dropped. 로동당의 -> 로동당의 로동당.
- Chinese/Japanese (no spaces to split on): overlapping character bigrams; single characters go to their own
  column so that a one-character query still finds them.
- Everything else: lower-cased, plus its Snowball stem (PyStemmer) chosen by script.

``key`` is what a bare query word must match (the base forms); ``tokens`` (surface + base forms) is what
quoted phrases match, so a phrase is an exact-wording search.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import Stemmer

from wirewatch.search.dueum import fold
from wirewatch.search.korean import tokenize

if TYPE_CHECKING:
    from wirewatch.archive.derived import Readable

_HANGUL = "\uac00-\ud7a3"
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\u31f0-\u31ff"
_HANGUL_RE = re.compile(f"[{_HANGUL}]")
_CJK_START = re.compile(rf"[{_CJK}]")
WORD_RE = re.compile(rf"[{_HANGUL}]+|[{_CJK}]+|[^\W_{_HANGUL}{_CJK}]+")
# FTS5's 'ascii' tokenizer (the one our table uses) splits on ASCII non-alphanumerics only; NFKC can produce some
# ("℡" -> "TEL" is fine, but "⑴" -> "(1)" is not), so they are removed from every token.
_ASCII_SEPARATORS = re.compile(r"[\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+")

# kiwipiepy tags (Sejong tag set) whose morphemes carry meaning; particles (J*), endings (E*), symbols are dropped.
_NOUN_TAGS = frozenset({"NNG", "NNP", "NR", "NP", "XR", "MAG", "MM", "SL", "SH", "SN"})
_VERB_TAGS = frozenset({"VV", "VA", "VX", "VCN"})
_DERIVING_TAGS = frozenset({"XSV", "XSA"})
# The suffixes that make a verb of a noun with the same meaning in active and passive voice.
_HADA_SUFFIXES = frozenset({"하", "되"})


class Word(NamedTuple):
    """One word of a text. A named tuple, not a frozen dataclass: snippets build one per word of a window, and
    a frozen dataclass's __init__ cost three times as much (a third of a snippet's time)."""

    start: int
    end: int
    kind: str  # "ko" | "cjk" | "other"
    surface: str  # normalised surface form
    tokens: tuple[str, ...]  # the group written to the index stream
    key: tuple[str, ...]  # what a bare query word must match (as a phrase)


def normalise(token: str) -> str:
    return _ASCII_SEPARATORS.sub("", unicodedata.normalize("NFKC", token).casefold())


# Compound nouns are head-final (조선 + 로동당, 로동 + 당): their suffixes of 2+ syllables are indexed too, so
# 로동당 finds 조선로동당의. Up to this length only, to bound the tokens a long unknown noun makes.
MAX_COMPOUND = 10


def _noun_forms(noun: str) -> list[str]:
    if len(noun) < 3 or len(noun) > MAX_COMPOUND:
        return [noun]
    return [noun] + [noun[i:] for i in range(1, len(noun) - 1)]


@functools.cache
def _stemmer(algorithm: str) -> Any:
    return Stemmer.Stemmer(algorithm)


def _stem_algorithm(word: str) -> str | None:
    """Snowball algorithm by script: queries carry no language, so the script decides for both sides."""
    first = word[0]
    if first.isascii() or "\u00c0" <= first <= "\u024f":
        return "english"
    if "\u0400" <= first <= "\u04ff":
        return "russian"
    if "\u0600" <= first <= "\u06ff":
        return "arabic"
    if "\u0370" <= first <= "\u03ff":
        return "greek"
    return None


@functools.lru_cache(maxsize=200_000)
def _other_tokens(raw: str) -> tuple[str, tuple[str, ...], tuple[str, ...]] | None:
    """(surface, tokens, key) of a non-CJK, non-Korean word. Cached: a language uses few distinct words, and
    stemming each occurrence again was most of the indexing time."""
    surface = normalise(raw)
    if not surface:
        return None
    algorithm = _stem_algorithm(surface)
    stem = normalise(_stemmer(algorithm).stemWord(surface)) if algorithm else surface
    tokens = (surface,) if stem == surface or not stem else (surface, stem)
    return surface, tokens, (stem or surface,)


def _other_word(match: re.Match[str]) -> Word | None:
    found = _other_tokens(match.group())
    return Word(match.start(), match.end(), "other", *found) if found else None


def _cjk_word(match: re.Match[str]) -> Word:
    surface = normalise(match.group())
    if len(surface) == 1:
        grams: tuple[str, ...] = (surface,)
    else:
        grams = tuple(surface[i : i + 2] for i in range(len(surface) - 1))
    return Word(match.start(), match.end(), "cjk", surface, grams, grams)


def _korean_bases(morphemes: list[Any]) -> list[str]:
    bases: list[str] = []
    for morpheme in morphemes:
        form, tag = morpheme.form, morpheme.tag.split("-")[0]
        if tag in _NOUN_TAGS:
            bases += _noun_forms(form) if tag.startswith("N") else [form]
        elif tag in _VERB_TAGS:
            bases.append(form + "다")
        elif tag in _DERIVING_TAGS and bases:
            suffix = "하" if form in _HADA_SUFFIXES else form
            bases.append(bases[-1] + suffix + "다")
    return list(dict.fromkeys(normalise(base) for base in bases if normalise(base)))


def _korean_word(match: re.Match[str], morphemes: list[Any]) -> Word:
    surface = normalise(match.group())
    bases = [base for base in _korean_bases(morphemes) if base != surface]
    key = tuple(_korean_bases(morphemes)) or (surface,)
    return Word(match.start(), match.end(), "ko", surface, (surface, *bases), key)


def _morphemes_by_run(text: str, runs: list[re.Match[str]], analysed: list[Any] | None) -> list[list[Any]]:
    """kiwi's morphemes of the whole text (context helps it), shared out among the Hangul runs by offset."""
    starts = [run.start() for run in runs]
    shares: list[list[Any]] = [[] for _ in runs]
    for morpheme in analysed if analysed is not None else tokenize([text])[0]:
        index = bisect.bisect_right(starts, morpheme.start) - 1
        if index >= 0 and morpheme.start < runs[index].end():
            shares[index].append(morpheme)
    return shares


def words(text: str, *, morphology: bool = True, analysed: list[Any] | None = None) -> Iterator[Word]:
    """The words of ``text`` with their offsets and tokens, in order. ``morphology=False`` skips the Korean
    analysis (its words then carry their surface form only): for snippets, where speed matters more.
    ``analysed``: kiwi's tokens of ``text`` when already computed (a batch)."""
    matches = list(WORD_RE.finditer(text))
    hangul = [m for m in matches if "\uac00" <= m.group()[0] <= "\ud7a3"] if morphology else []
    shares = _morphemes_by_run(text, hangul, analysed) if hangul else []
    morphemes = dict(zip((m.start() for m in hangul), shares, strict=True))
    for match in matches:
        first = match.group()[0]
        if "\uac00" <= first <= "\ud7a3":
            yield _korean_word(match, morphemes.get(match.start(), []))
        elif _CJK_START.match(first):
            yield _cjk_word(match)
        else:
            word = _other_word(match)
            if word is not None:
                yield word


# Indexing runs inside the storing transaction, and kiwi reads ~50,000 Korean characters a second: a hostile or
# broken page must not hold the database's write lock for minutes. Real articles (KCNA, the longest New Year
# speeches at ~35,000) are well under these.
MAX_TITLE_CHARS = 2_000
MAX_BODY_CHARS = 100_000


@dataclass(frozen=True)
class Indexed:
    """One article as FTS5 column values."""

    title: str
    body: str
    title_folded: str
    body_folded: str
    unigrams: str


# Indexing needs no Word per occurrence, only each word's share of the streams. A stream is its tokens joined
# by spaces; an "other" word gives one or two tokens (or none, then it is skipped), so joining each word's
# group first gives the same string. Its groups depend on the word alone: made once per distinct word. A
# Korean word's tokens depend on the sentence (kiwi), so Korean and CJK words still go through Word.
# tests/search/test_index_streams.py proves the columns equal those built from words() on the real texts.
_KOREAN_OR_CJK = re.compile(f"[{_HANGUL}{_CJK}]")
# In a text with neither, WORD_RE's words are the runs of its third class alone: found a quarter faster by one
# class than by trying three alternatives at every position.
_OTHER_WORD_RE = re.compile(r"[^\W_]+")


@functools.lru_cache(maxsize=200_000)
def _other_groups(raw: str) -> tuple[str, str] | None:
    """(plain group, folded group) of a non-CJK, non-Korean word; None when it gives no token."""
    found = _other_tokens(raw)
    if found is None:
        return None
    plain, folded = " ".join(found[1]), " ".join(fold(token) for token in found[1])
    return plain, plain if folded == plain else folded  # one string kept when folding changes nothing


@dataclass
class _Streams:
    plain: list[str]  # token groups, in text order
    folded: list[str]
    cjk: str = ""  # the CJK words' surfaces, concatenated (their characters are the unigrams)


def _streams(text: str, analysed: list[Any] | None) -> _Streams:
    if not _KOREAN_OR_CJK.search(text):  # most texts: one pass in C over the cached groups
        groups = list(filter(None, map(_other_groups, _OTHER_WORD_RE.findall(text))))
        return _Streams([group[0] for group in groups], [group[1] for group in groups])
    matches = list(WORD_RE.finditer(text))
    # As words() does: kiwi reads the whole text, its morphemes are shared out among the Hangul runs.
    hangul = [m for m in matches if "\uac00" <= m.group()[0] <= "\ud7a3"]
    shares = _morphemes_by_run(text, hangul, analysed) if hangul else []
    morphemes = dict(zip((m.start() for m in hangul), shares, strict=True))
    streams, cjk = _Streams([], []), []
    for match in matches:
        raw = match.group()
        if "\uac00" <= raw[0] <= "\ud7a3":
            tokens = _korean_word(match, morphemes.get(match.start(), [])).tokens
        elif _CJK_START.match(raw[0]):
            word = _cjk_word(match)
            tokens = word.tokens
            cjk.append(word.surface)
        else:
            group = _other_groups(raw)
            if group is not None:
                streams.plain.append(group[0])
                streams.folded.append(group[1])
            continue
        streams.plain.extend(tokens)
        streams.folded.extend(fold(token) for token in tokens)
    streams.cjk = "".join(cjk)
    return streams


def index_document(title: str, body: str, analysed: tuple[Any, Any] = (None, None)) -> Indexed:
    title_streams = _streams(title[:MAX_TITLE_CHARS], analysed[0])
    body_streams = _streams(body[:MAX_BODY_CHARS], analysed[1])
    return Indexed(
        title=" ".join(title_streams.plain),
        body=" ".join(body_streams.plain),
        title_folded=" ".join(title_streams.folded),
        body_folded=" ".join(body_streams.folded),
        unigrams=" ".join(title_streams.cjk + body_streams.cjk),
    )


def version_document(version: Readable) -> Indexed:
    """A version's index document: what the WARC importer's workers derive ahead (archive/derived.py)."""
    return index_document(version.title, version.text)


def index_documents(documents: Sequence[tuple[str, str]]) -> list[Indexed]:
    """index_document() for many (title, body) pairs: kiwi analyses all their Korean texts in one batch, on
    all cores (its own thread pool), which is what makes a rebuild fast."""
    texts = [text for title, body in documents for text in (title[:MAX_TITLE_CHARS], body[:MAX_BODY_CHARS])]
    korean = [i for i, text in enumerate(texts) if _HANGUL_RE.search(text)]
    analysed: list[Any] = [None] * len(texts)
    if korean:
        for i, tokens in zip(korean, tokenize([texts[i] for i in korean]), strict=True):
            analysed[i] = tokens
    return [
        index_document(title, body, (analysed[2 * n], analysed[2 * n + 1]))
        for n, (title, body) in enumerate(documents)
    ]
