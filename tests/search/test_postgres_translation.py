"""The PostgreSQL backend's translation of compile.py's expressions (pure functions: run on both passes)."""

import pytest

from wirewatch.search.compile import compile_query
from wirewatch.search.postgres import _vector, translate
from wirewatch.search.query import parse


def _sql(q: str, dueum: bool = False):
    return translate(compile_query(parse(q).tree, dueum)[0])


def test_a_phrase_becomes_adjacent_lexemes_on_the_exact_vector():
    condition, params, leaves = _sql('"kim jong"')
    assert condition == "exact @@ %s::tsquery"
    assert params == ["'kim' <-> 'jong'"]
    assert leaves == [("exact", "'kim' <-> 'jong'")]


def test_not_and_or_keep_their_meaning_and_prefixes_use_the_index():
    condition, params, _ = _sql("(kim OR pak) NOT visit*")
    assert "AND NOT" in condition and " OR " in condition
    assert params[-1] == "'visit':*"


def test_dueum_folding_searches_the_folded_vector():
    condition, _, _ = _sql("로동당", dueum=True)
    assert "folded @@" in condition and "exact @@" not in condition


def test_quotes_and_backslashes_in_tokens_cannot_break_out_of_a_lexeme():
    condition, params, _ = translate('{title body} : "a\'b\\\\c"')
    assert params == ["'a''b\\\\\\\\c'"]
    assert condition == "exact @@ %s::tsquery"


def test_anything_compile_does_not_produce_is_refused():
    with pytest.raises(ValueError):
        translate("title : x; DROP TABLE articles")


def test_titles_are_labelled_a_and_never_adjacent_to_the_body():
    vector = _vector("north korea", "korea today")
    assert vector == "'north':1A 'korea':2A,4 'today':5"
