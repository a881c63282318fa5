"""The vectorised language check (extraction/langid_fast.py) gives py3langid's own answers, bit for bit.

Reference: py3langid's ``visit_counts`` (its DFA walk, one Python step per byte), ``_raw_score`` and ``classify``
on a plain ``LanguageIdentifier`` loaded from the same model. Real texts: every text of ../shared/data/korean and
../shared/data/kcna-en; synthetic ones: byte soups, glued DFA state strings, mixed scripts, tiny inputs.
"""

from __future__ import annotations

import json
import string
import threading
from array import array
from pathlib import Path

import numpy as np
import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier, visit_counts

from wirewatch.extraction.langid_fast import (
    FastIdentifier,
    Float32Rows,
    _transitions,
    _trie,
    feature_visits,
    walk_tables,
)
from wirewatch.extraction.language import SAMPLE_CHARS, _identifier, detect_language


@pytest.fixture(scope="module")
def reference() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@pytest.fixture(scope="module")
def shared_texts(shared_dir: Path) -> list[str]:
    texts = [path.read_text(encoding="utf-8") for path in sorted((shared_dir / "data/korean").glob("*.txt"))]
    kcna = shared_dir / "data/kcna-en"
    rows = json.loads((kcna / "articles.json").read_text(encoding="utf-8"))
    variants = json.loads((kcna / "same-url-variants.json").read_text(encoding="utf-8"))
    rows += [row for link in variants["links"] for row in link["rows"]]
    texts += [row[field] for row in rows for field in ("headline", "story_text") if row.get(field)]
    assert len(texts) > 4000
    return texts


def _state_strings(identifier: LanguageIdentifier) -> list[bytes]:
    """Each DFA state's byte string, rebuilt from the breadth-first trie (all depths 1..6)."""
    depth, parent, last = _trie(*_transitions(identifier))
    strings = [b""] * len(depth)
    for state in np.argsort(depth, kind="stable")[1:]:
        strings[state] = strings[parent[state]] + bytes([last[state]])
    return strings


def _synthetic(identifier: LanguageIdentifier) -> list[str | bytes]:
    rng = np.random.default_rng(20261127)
    soups: list[str | bytes] = [
        rng.integers(0, 256, n, dtype=np.uint8).tobytes() for n in (1, 2, 5, 6, 7, 9000)
    ]
    utf8ish = np.frombuffer(
        b" etaoinTHE.," + bytes(range(0x80, 0xC0)) + b"\xea\xeb\xec\xed\xe3\xe4", np.uint8
    )
    soups += [rng.choice(utf8ish, n).tobytes() for n in (3, 300, 6000)]
    strings = _state_strings(identifier)
    deep = [s for s in strings if len(s) == 6]
    soups += [
        b"".join(strings[i] for i in rng.integers(1, len(strings), 800)),
        b"".join(deep),
        b"".join(deep[::-1]),
    ]
    blocks = [(0x20, 0x7F), (0xC0, 0x250), (0x400, 0x450), (0x600, 0x650), (0x3040, 0x3100), (0x4E00, 0x9FFF)]
    blocks += [(0xAC00, 0xD7A4), (0x1F300, 0x1F600)]
    mixed = [
        "".join(chr(int(rng.integers(*blocks[b]))) for b in rng.integers(0, len(blocks), n))
        for n in (40, 4000)
    ]
    tiny = ["", "a", "A", "가", "\ud800", " ", "é", "中", "🙂", string.ascii_letters]
    upper = ["THE KOREAN PEOPLE'S ARMY HELD A PARADE IN PYONGYANG", "ЗДРАВСТВУЙТЕ", "조선중앙통신 KCNA"]
    undecodable = [b"\xff\xfe" + "평양".encode() * 30, "Pyongyang 평양".encode()[:-1]]
    return soups + mixed + tiny + upper + undecodable


def _encoded(identifier: LanguageIdentifier, texts: list[str | bytes]) -> list[bytes]:
    return [identifier._encode(text) for text in texts]


def _assert_counts_match(reference: LanguageIdentifier, data: list[bytes]) -> None:
    tables = walk_tables(reference)
    for item in data:
        expected = visit_counts(reference.tk_nextmove, reference._rowbase, reference.tk_output, item)
        got = feature_visits(tables, item)
        if expected is None:
            assert got is None, item[:60]
        else:  # the same features with the same counts, in the same (first-visit) order
            assert list(zip(got[0].tolist(), got[1].tolist(), strict=True)) == list(expected.items()), item[
                :60
            ]


def test_py3langid_dfa_is_a_longest_suffix_automaton(reference):
    tables = walk_tables(reference)
    assert tables is not None and tables.depth == 6


def test_feature_counts_equal_py3langid_walk_on_shared_texts(reference, shared_texts):
    _assert_counts_match(reference, _encoded(reference, shared_texts))


def test_feature_counts_equal_py3langid_walk_on_synthetic_inputs(reference):
    inputs = _synthetic(reference)
    raw = [item for item in inputs if isinstance(item, bytes)]
    _assert_counts_match(reference, _encoded(reference, inputs) + raw + [b""])


def test_raw_scores_are_bit_identical_to_py3langid(reference, shared_texts):
    fast = _identifier()
    samples = [text[:SAMPLE_CHARS] for text in shared_texts] + _synthetic(reference)
    for data in _encoded(reference, samples):
        expected, got = reference._raw_score(data), fast._raw_score(data)
        assert got.dtype == expected.dtype and got.tobytes() == expected.tobytes(), data[:60]


def test_detect_language_answers_as_py3langid_classify(reference, shared_texts):
    for text in shared_texts:
        assert detect_language(text) == reference.classify(text[:SAMPLE_CHARS]), text[:60]
    for item in _synthetic(reference):
        assert _identifier().classify(item) == reference.classify(item), item[:60]


def test_threads_filling_the_row_cache_get_py3langid_answers(reference, shared_texts):
    fast = _from_parts(reference, reference.tk_nextmove)  # a cold float32 row cache
    texts = [text[:SAMPLE_CHARS] for text in shared_texts[::15]]
    expected = [reference.classify(text) for text in texts]
    answers: dict[int, list] = {}

    def run(worker: int) -> None:
        answers[worker] = [fast.classify(text) for text in texts[worker::2] + texts]

    threads = [threading.Thread(target=run, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for worker, got in answers.items():
        assert got == expected[worker::2] + expected
    assert len(answers) == 4


def test_row_cache_past_its_capacity_scores_as_py3langid(reference, shared_texts):
    fast = _from_parts(reference, reference.tk_nextmove)
    fast.classify("warm")
    fast._rows32 = Float32Rows(fast.nb_ptc, capacity=3000)
    for text in shared_texts[::20]:
        assert fast.classify(text[:SAMPLE_CHARS]) == reference.classify(text[:SAMPLE_CHARS])
    assert fast._rows32._used == 3000  # full: the rows it lacks were cast on each call
    everything = fast._rows32.take(np.arange(len(fast.nb_ptc)))
    assert everything.tobytes() == fast.nb_ptc.astype(np.float32).tobytes()


def test_restricted_languages_score_as_py3langid(reference, shared_texts):
    fast, plain = (
        _from_parts(reference, reference.tk_nextmove),
        _from_parts(reference, reference.tk_nextmove, plain=True),
    )
    fast.classify(shared_texts[0])  # fill the row cache for the full table first
    for identifier in (fast, plain):
        identifier.set_languages(["en", "ko", "ja", "zh"])
    for text in shared_texts[::25]:
        assert fast.classify(text[:SAMPLE_CHARS]) == plain.classify(text[:SAMPLE_CHARS])


def test_a_dfa_that_is_not_longest_suffix_falls_back_to_py3langid_walk(reference, shared_texts):
    sample = reference._encode(shared_texts[-1][:SAMPLE_CHARS])
    nextmove = array(reference.tk_nextmove.typecode, reference.tk_nextmove)
    nextmove[_first_feature_transition(reference, sample)] = 0  # to the start state: not the longest suffix
    fast, plain = _from_parts(reference, nextmove), _from_parts(reference, nextmove, plain=True)
    assert walk_tables(plain) is None and fast._tables is None
    walks = [visit_counts(i.tk_nextmove, i._rowbase, i.tk_output, sample) for i in (reference, plain)]
    assert walks[0] != walks[1]  # the tampered DFA counts differently: the refusal matters
    for text in shared_texts[::50] + [shared_texts[-1]]:
        assert fast.classify(text[:SAMPLE_CHARS]) == plain.classify(text[:SAMPLE_CHARS])


def _first_feature_transition(identifier: LanguageIdentifier, data: bytes) -> int:
    """Where in ``tk_nextmove`` the walk over ``data`` first moves to a state with a feature."""
    state = 0
    for byte in data:
        slot = identifier._rowbase[state] + byte
        state = identifier.tk_nextmove[slot]
        if identifier.tk_output[state] >= 0:
            return slot
    raise AssertionError("no feature visited")


def _from_parts(reference: LanguageIdentifier, nextmove: array, plain: bool = False) -> LanguageIdentifier:
    cls = LanguageIdentifier if plain else FastIdentifier
    parts = reference.nb_ptc, reference.nb_pc, reference.nb_classes, nextmove, reference.tk_output
    return cls(*parts, norm_probs=True, tk_row=reference.tk_row)
