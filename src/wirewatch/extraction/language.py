"""The language of an article: the edition's, unless the text clearly says otherwise.

Editions mislabel pages now and then (a Korean original left in the English edition), so we check with py3langid
(a maintained, dependency-free port of langid.py: 97 languages, fast, normalised probabilities). Short texts are
where language identifiers guess badly, so below ``MIN_CHARS`` letters we trust the edition; above it we only
override when the identifier is very sure and the override is not a near-neighbour confusion (zh vs ja on a text
full of kanji; the Chinese variants).
"""

from __future__ import annotations

from functools import cache

MIN_CHARS = 200
MIN_PROBABILITY = 0.99
SAMPLE_CHARS = 3000
# A first look at the start, enough for the usual answer (the edition's language, surely): the whole sample is read
# only when the start is not clearly in the edition's language. On real texts (KCNA English, Korean, trafilatura's
# evaluation pages, each under seven editions: 11,165 decisions in tests/extraction/test_fast_paths.py) it never
# changed one; a KCNA article's check costs 0.067 ms instead of 0.10.
FIRST_LOOK_CHARS = 600
# Pairs the identifier confuses on short or mixed texts; never override one with the other.
NEIGHBOURS = ({"zh", "ja"}, {"zh", "yue"}, {"no", "nb", "nn", "da"}, {"ms", "id"}, {"sr", "hr", "bs"})


@cache
def _identifier():
    from py3langid.langid import MODEL_FILE

    from .langid_fast import FastIdentifier  # py3langid's answers, its byte walk vectorised (langid_fast.py)

    return FastIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _base(code: str) -> str:
    return code.replace("_", "-").split("-")[0].lower()


def detect_language(text: str) -> tuple[str, float]:
    """(language code, probability) by py3langid, over the start of ``text``."""
    lang, probability = _identifier().classify(text[:SAMPLE_CHARS])
    return lang, float(probability)


def _has_letters(text: str, wanted: int) -> bool:
    """At least ``wanted`` letters in ``text``. Counted in a short prefix first (a count only grows with the
    prefix): an article reaches 200 letters within its first few hundred characters, and counting all 3,000
    cost a fifth of the language check (map: a third of a generator's time, same count)."""
    return sum(map(str.isalpha, text[: wanted * 2])) >= wanted or sum(map(str.isalpha, text)) >= wanted


def choose_language(text: str, edition_language: str) -> str:
    """``edition_language`` unless a long enough ``text`` is, with high confidence, in another language."""
    long_enough = _has_letters(text[:SAMPLE_CHARS], MIN_CHARS)
    if not long_enough or not edition_language:
        return edition_language or (detect_language(text)[0] if long_enough else "")
    edition = _base(edition_language)
    first_look, probability = detect_language(text[:FIRST_LOOK_CHARS])
    if first_look == edition and probability >= MIN_PROBABILITY:
        return edition_language
    detected, probability = detect_language(text)
    if detected == edition or probability < MIN_PROBABILITY:
        return edition_language
    if any({detected, edition} <= group for group in NEIGHBOURS):
        return edition_language
    return detected
