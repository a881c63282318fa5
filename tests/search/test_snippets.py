"""Snippets (search/snippets.py): the words a query matches are marked, in any form the index matches them, and
everything else is escaped."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from wirewatch.search.analysis import _CJK_START, WORD_RE, _other_tokens
from wirewatch.search.compile import compile_query
from wirewatch.search.dueum import fold
from wirewatch.search.query import parse
from wirewatch.search.snippets import snippet


def _marked(text: str, q: str, dueum: bool = True) -> list[str]:
    html = str(snippet(text, compile_query(parse(q).tree, dueum)[1], dueum))
    return [part.split("</mark>")[0] for part in html.split("<mark>")[1:]]


@pytest.mark.parametrize(
    ("q", "text", "marked"),
    [
        ("delegation", "The delegations left. A delegation arrived.", ["delegations", "delegation"]),  # stem
        ('"Kim Jong Un"', "Respected Kim Jong Un visited the farm.", ["Kim", "Jong", "Un"]),
        ("harv*", "The harvest and the harvester were early.", ["harvest", "harvester"]),  # prefix
        (
            "노동당",
            "조선로동당 중앙위원회 전원회의가 열렸다.",
            ["조선로동당"],
        ),  # the northern spelling, folded
        ("平壤", "朝鲜平壤市举行大会。", ["平壤"]),
        ("nowhere", "Nothing here matches.", []),
    ],
)
def test_the_matching_words_are_marked_in_every_form_the_index_matches(q, text, marked):
    assert _marked(text, q) == marked


def test_without_folding_only_the_spelling_asked_for_is_marked():
    assert _marked("조선로동당 중앙위원회", "노동당", dueum=False) == []
    assert _marked("조선로동당 중앙위원회", "로동당", dueum=False) == ["조선로동당"]


def test_the_text_around_the_marks_is_escaped():
    html = str(
        snippet("<b>harvest</b> & <script>x()</script>", compile_query(parse("harvest").tree, True)[1], True)
    )
    assert "<mark>harvest</mark>" in html and "<b>" not in html and "<script>" not in html
    assert "&lt;b&gt;" in html and "&amp;" in html


def test_no_word_outside_korean_has_a_token_the_initial_sound_rule_would_fold():
    """Snippets compare the tokens of non-Korean words unfolded: folding changes only a token that starts with
    a Hangul syllable. A word's first character decides its kind, and NFKC (in normalise) turns some characters
    into Hangul syllables; none of them starts or continues a non-Korean word."""
    folds_to_hangul = [
        chr(cp)
        for cp in range(sys.maxunicode + 1)
        if not 0xD800 <= cp <= 0xDFFF
        and not "\uac00" <= chr(cp) <= "\ud7a3"
        and any("\uac00" <= ch <= "\ud7a3" for ch in unicodedata.normalize("NFKC", chr(cp)))
    ]
    assert folds_to_hangul  # there are such characters (circled and parenthesised Hangul, ...)
    for char in folds_to_hangul:
        for text in (char, "a" + char, char + "a"):
            for match in WORD_RE.finditer(text):
                if _CJK_START.match(match.group()[0]) or "\uac00" <= match.group()[0] <= "\ud7a3":
                    continue
                found = _other_tokens(match.group())
                tokens = (found[0], *found[1], *found[2]) if found else ()
                assert all(fold(token) == token for token in tokens), (hex(ord(char)), match.group())
