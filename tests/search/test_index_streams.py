"""index_document's fast path (cached token groups per distinct word, no Word per occurrence) writes exactly
the column values that the straightforward construction from words() writes: on every shared KCNA and Korean
text, and on inputs chosen to break it."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from wirewatch.search.analysis import (
    MAX_BODY_CHARS,
    MAX_TITLE_CHARS,
    Indexed,
    Word,
    index_document,
    index_documents,
    words,
)
from wirewatch.search.dueum import fold
from wirewatch.search.korean import local_kiwi

# --- The reference: index_document as it was built before the fast path (words() -> Word -> streams). ---


def _stream(items: list[Word], folded: bool) -> str:
    tokens = (token for word in items for token in word.tokens)
    return " ".join(fold(token) for token in tokens) if folded else " ".join(tokens)


def _unigrams(items: list[Word]) -> str:
    return " ".join(char for word in items if word.kind == "cjk" for char in word.surface)


def reference_index_document(title: str, body: str, analysed: tuple[Any, Any] = (None, None)) -> Indexed:
    title, body = title[:MAX_TITLE_CHARS], body[:MAX_BODY_CHARS]
    title_words = list(words(title, analysed=analysed[0]))
    body_words = list(words(body, analysed=analysed[1]))
    return Indexed(
        title=_stream(title_words, folded=False),
        body=_stream(body_words, folded=False),
        title_folded=_stream(title_words, folded=True),
        body_folded=_stream(body_words, folded=True),
        unigrams=_unigrams(title_words + body_words),
    )


def differing(documents: list[tuple[str, str]]) -> list[int]:
    return [
        n
        for n, (title, body) in enumerate(documents)
        if index_document(title, body) != reference_index_document(title, body)
    ]


# --- Real texts. ---


def test_every_kcna_text_indexes_exactly_as_the_reference(shared_dir):
    folder = shared_dir / "data" / "kcna-en"
    rows = json.loads((folder / "articles.json").read_text(encoding="utf-8"))
    variants = json.loads((folder / "same-url-variants.json").read_text(encoding="utf-8"))["links"]
    for link in variants:
        header, *values = link["rows"]
        rows += [dict(zip(header, row, strict=True)) for row in values]
    documents = [(row["headline"] or "", row["story_text"] or "") for row in rows]
    assert len(documents) > 2_111 and sum(bool(body) for _, body in documents) > 1_800  # the data is there
    assert differing(documents) == []


def test_every_korean_text_indexes_exactly_as_the_reference(shared_dir):
    documents = []
    for path in sorted((shared_dir / "data" / "korean").glob("*.txt")):
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        documents.append((title, body))
    assert len(documents) == 50
    # kiwi reads each text once (it is most of the time), and both sides share its analysis, as a batch does.
    kiwi = local_kiwi()
    for title, body in documents:
        analysed = (kiwi.tokenize(title[:MAX_TITLE_CHARS]), kiwi.tokenize(body[:MAX_BODY_CHARS]))
        assert index_document(title, body, analysed) == reference_index_document(title, body, analysed), title
    # The batch entry point (its own kiwi batch) gives the same rows too: a sample, kiwi is slow.
    sample = documents[::25] + [("KCNA 조선로동당", "Pyongyang 로동신문은 東京 報道"), ("", "")]
    assert index_documents(sample) == [reference_index_document(title, body) for title, body in sample]


# --- Chosen inputs. ---

MIXED = (
    "KCNA: 조선로동당의 로동신문은 리념을 강조하였다 -- 東京 とうきょう ｶﾀｶﾅ 北京大学 中 "
    "Пхеньян Αθήνα العربية Straße İstanbul ＫＣＮＡ ﬁnance ① ⑴ ℡ x² Ⅻ café naïve 2024年 "
    "ComradeKim Jong Unmet [Juche113.7.14.] -0-"
)
# Conjoining jamo compose (NFKC) into Hangul syllables inside an "other" word: ᄅ+ᅩ+ᄃ+ᅩ+ᆼ -> 로동, which the
# folded stream must turn into 노동; likewise a circled Hangul syllable is not a word character at all.
JAMO = "\u1105\u1169\u1103\u1169\u11bc \u1102\u1167\u1109\u1165\u11bc ㉮ \u3139\u1169 ﾡ"
CHOSEN = [
    ("", ""),
    ("   ", "\n\t  \r\n"),
    ("!!! ... ---", "«» — “” ,,, ;; () [] {} ___ ___ @#$%^&*"),
    ("_", "_a_ __ a_b"),
    (MIXED, MIXED),
    (JAMO, f"{JAMO} {MIXED} {JAMO}"),
    ("조선", "리 로 녀 력사 령도자 락원 로동 Rodong 로동"),
    ("中", "中 国 中国 東 日本語のテキスト"),
    ("\u200b\u200d\u200e\u202e", "a\u200bb c\u0301d e\u0308 \u0627\u0644\u0639"),
    ("\ud800 lone surrogate", "text \udfff with \ud800 surrogates"),
    ("run " * 1_000, "harvest " * 60_000),  # past both limits: the cut comes first
    ("a" * 5_000, "b" * 150_000),  # one very long word
    ("조선로동당의 " * 400, "로동신문 " * 500),  # a Korean title past its limit
    ("x", "東" * 3_000 + "ｶ" * 1_000),
    ("1 2 3", "0 00 000 ٣ ४ 1st 2nd 3rd ½ ⅓"),
]


@pytest.mark.parametrize("number", range(len(CHOSEN)))
def test_chosen_inputs_index_exactly_as_the_reference(number):
    title, body = CHOSEN[number]
    assert index_document(title, body) == reference_index_document(title, body)


def test_the_same_word_in_different_scripts_and_cases_shares_no_cached_group_wrongly():
    # "Ｒun", "RUN", "run" share a normalised form but are distinct raw words: each gets its own cache entry.
    body = "Run RUN run Ｒun running Running ＲＵＮＮＩＮＧ runs"
    first = index_document("Run", body)
    assert first == reference_index_document("Run", body)
    assert index_document("Run", body) == first  # the second time from the cache


ALPHABET = (
    "abcXYZ019 .,-_'\n\t"
    "가나다라로리녀력한글조선"
    "\u1100\u1161\u11a8\u3131\u314f"  # jamo, compatibility jamo
    "中国東京報道ひらがなカタカナｶﾀﾅ"
    "ПхеньянΑθήναالعربيةßİıŉǅ"
    "\u0301\u0308\u200b\ufb01①⑴℡²Ⅻ½０９ＡＺ"
)


def test_random_strings_over_a_hostile_alphabet_index_exactly_as_the_reference():
    chance = random.Random(20261127)
    documents = [
        tuple("".join(chance.choices(ALPHABET, k=chance.randrange(0, 60))) for _ in range(2))
        for _ in range(400)
    ]
    assert differing(documents) == []
