"""Shingles and MinHash signatures of an article's text, and their LSH band keys.

A reprint differs from the original in its dateline ("Pyongyang, July 14 (KCNA) --" vs none), headline and a few
words, so the signature is of the body only, with the dateline and KCNA's end mark cut off, case folded and
punctuation removed. Shingles are word 3-grams for scripts with spaces, character 4-grams for Chinese and
Japanese (no spaces to count words by).

The signature is datasketch's MinHash, value for value: its 2.0 "affine32" scheme (each shingle's SHA-1 cut to 32
bits, mixed by MurmurHash3's finalizer, then 128 maps h -> a*h + b mod 2^32 drawn with seed 1; the minimum of
each). It is computed here, not by datasketch, because importing datasketch imports scipy.integrate (for
MinHashLSH's tuning of bands, which we need once: ``BANDS``, ``ROWS``), about 50 MB in every process that loads
the dedupe app: the watcher, each web worker, each import worker. tests/dedupe/test_signature_values.py compares
the signatures with datasketch's own on real texts, and the banding with MinHashLSH's choice.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from wirewatch.archive.derived import Readable

NUM_PERM = 128
SEED = 1  # datasketch's default seed: its permutations, ours
LSH_THRESHOLD = 0.5  # candidates: what the bands are tuned to find
BANDS, ROWS = 25, 5  # what datasketch's MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM) picks
DUPLICATE_THRESHOLD = 0.6  # confirmed: estimated Jaccard similarity of the shingle sets
MIN_SHINGLES = 20  # shorter texts (a one-line notice) look alike too easily
WORD_SHINGLE, CHAR_SHINGLE = 3, 4
MAX_TEXT = 200_000
# "Pyongyang, July 14 (KCNA) --", "(평양 7월 14일발 조선중앙통신)", "Moscow, July 14 /TASS/ -": a dateline is a
# short head ending in the agency's dash or bracket.
_DATELINE = re.compile(
    r"^.{0,80}?(?:\([^)\n]{1,40}\)\s*(?:--|—|–|-)|/[^/\n]{1,20}/\s*(?:--|—|–|-)|발 조선중앙통신\)|[电電発]\))"
)
_END_MARK = re.compile(r"\s*-0-\s*$")
_WORD = re.compile(r"\w+")
_CJK = re.compile("[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")


def body_for_signature(text: str) -> str:
    text = unicodedata.normalize("NFKC", text[:MAX_TEXT]).strip()
    text = _DATELINE.sub("", text, count=1)
    return _END_MARK.sub("", text).casefold()


def shingles(text: str) -> set[bytes]:
    body = body_for_signature(text)
    words = _WORD.findall(body)
    if len(_CJK.findall(body)) > len(body) / 3:  # mostly Chinese/Japanese: characters, not words
        chars = "".join(words)
        return {chars[i : i + CHAR_SHINGLE].encode() for i in range(max(0, len(chars) - CHAR_SHINGLE + 1))}
    # The shifted word lists zipped (the shortest ends it): the same 3-grams as a slice at each position, without
    # building the slices
    shifted = zip(*(words[i:] for i in range(WORD_SHINGLE)), strict=False)
    return {shingle.encode() for shingle in map(" ".join, shifted)}


def signature(text: str) -> np.ndarray | None:
    """The MinHash values of ``text``'s shingles, or None when the text is too short to compare."""
    items = shingles(text)
    if len(items) < MIN_SHINGLES:
        return None
    a, b = _permutations()
    # uint32 arrays: the products and sums wrap around, which is the "mod 2^32"
    return (_mixed_hashes(items)[:, None] * a + b).min(axis=0).astype("<u8")


def signed(version: Readable) -> tuple[np.ndarray | None, list[tuple[int, int]]]:
    """(signature, band keys) of a version: what the receiver stores, derived ahead by the WARC importer's workers
    (archive/derived.py). The headline plays no part: a reprint's differs."""
    values = signature(version.text)
    return values, band_keys(values) if values is not None else []


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """(a, b) of the 128 maps, drawn as datasketch 2.0 draws them for affine32: odd multipliers, then offsets."""
    draw = np.random.RandomState(SEED)
    a = draw.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = draw.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def _mixed_hashes(items: set[bytes]) -> np.ndarray:
    """Each item's 32-bit hash (the first four bytes of its SHA-1, little-endian: datasketch's sha1_hash32),
    through MurmurHash3's 32-bit finalizer, as uint32."""
    prefixes = b"".join(hashlib.sha1(item).digest()[:4] for item in items)
    h = np.frombuffer(prefixes, dtype="<u4").astype(np.uint32)
    h ^= h >> np.uint32(16)
    h *= np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0xC2B2AE35)
    h ^= h >> np.uint32(16)
    return h


def band_keys(values: np.ndarray) -> list[tuple[int, int]]:
    """(band number, 64-bit key) for each band: a hash of the band's rows, as a signed integer for SQL."""
    keys = []
    for band in range(BANDS):
        chunk = values[band * ROWS : (band + 1) * ROWS].tobytes()
        digest = hashlib.blake2b(chunk, digest_size=8).digest()
        keys.append((band, int.from_bytes(digest, "little", signed=True)))
    return keys


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures: the share of equal MinHash values."""
    return float(np.count_nonzero(a == b)) / len(a)


def to_bytes(values: np.ndarray) -> bytes:
    return values.astype("<u8").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<u8")
