"""py3langid's scores, computed with NumPy instead of a Python loop per byte: the same answers, bit for bit.

py3langid finds its byte n-gram features with a DFA walked one Python step per UTF-8 byte (``visit_counts``),
then scores them as ``log1p(counts) @ nb_ptc[features] + nb_pc`` with a float16 ``nb_ptc``. Both halves cost:
the walk ~0.5 ms per 3,000 English bytes (~0.9 ms for Korean), and the float16 -> float32 cast that NumPy makes
of every gathered row before the product (~0.35 ms). Here:

* **Counting.** The model's DFA is the Aho-Corasick automaton of its n-grams (Aho & Corasick, "Efficient string
  matching", CACM 18(6), 1975: goto and failure functions compiled into one transition table). Every state is
  reached by one shortest byte string (at most 6 bytes), and after each byte the walk is in the state whose
  string is the *longest suffix* of the input read so far; that suffix lies within the last 6 bytes, so the state
  after byte i is where bytes i-5..i lead from the start state. All positions take those 6 steps together: 6
  NumPy gathers instead of a Python step per byte. ``walk_tables`` checks the property on every transition of
  the loaded model (``None`` when it does not hold: ``FastIdentifier`` then keeps py3langid's walk).
* **Scoring.** The same product with the same operands in the same order (features in first-visit order, as
  ``Counter`` keeps them); only the exact float16 -> float32 cast of a row is done once and kept (``Float32Rows``).

``tests/extraction/test_language_speed.py`` compares counts and raw scores with py3langid's own on real texts.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import numpy as np
from py3langid.langid import LanguageIdentifier

LOGGER = logging.getLogger(__name__)
CHUNK_STATES = 2048  # DFA states handled at once when checking the model (2 MB of transitions)
ROW_CACHE_ROWS = 1 << 15  # float32 rows kept (18.6 MB at most); the model has 100,053


@dataclass(frozen=True)
class WalkTables:
    """py3langid's DFA as NumPy arrays, and how many bytes back its state depends on."""

    nextmove: np.ndarray  # [rows * 256] the transition table (a view of py3langid's array)
    rowbase: np.ndarray  # [states] where each state's row starts in ``nextmove``
    output: np.ndarray  # [states] each state's feature, or -1
    from_root: np.ndarray  # [256 * 256] the state after two bytes read from the start state
    depth: int  # the longest state string: the state after a byte depends on the last ``depth`` bytes only
    features: int


def _transitions(identifier: LanguageIdentifier) -> tuple[np.ndarray, np.ndarray]:
    rows = np.asarray(identifier.tk_nextmove).reshape(-1, 256)
    return rows, np.asarray(identifier.tk_row).astype(np.intp)


def _trie(rows: np.ndarray, row: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Breadth-first from state 0: each state's depth, parent and last byte (its string: parent's + last)."""
    n = len(row)
    depth = np.full(n, -1, np.int16)
    parent, last = np.zeros(n, np.intp), np.zeros(n, np.intp)
    depth[0], frontier, level = 0, np.zeros(1, np.intp), 0
    while frontier.size:
        level, found = level + 1, []
        for lo in range(0, frontier.size, CHUNK_STATES):  # in chunks: 256 targets per state
            sources = frontier[lo : lo + CHUNK_STATES]
            targets = rows[row[sources]].ravel()
            fresh = np.flatnonzero(depth[targets] < 0)
            states, first = np.unique(targets[fresh], return_index=True)
            where = fresh[first]
            depth[states], parent[states], last[states] = level, sources[where // 256], where % 256
            found.append(states)
        frontier = np.concatenate(found)
    return depth, parent, last


def _is_longest_suffix_automaton(
    rows: np.ndarray, row: np.ndarray, depth: np.ndarray, parent: np.ndarray, last: np.ndarray
) -> bool:
    """Every transition goes to the trie child if there is one, else where the state's failure state goes.

    The failure state of s is where the walk of s's string minus its first byte ends. By induction on the input
    length this makes the walk's state the longest suffix of the input that is a state's string.
    """
    if (depth < 0).any():
        return False
    fail = np.zeros(len(row), np.intp)
    for level in range(2, int(depth.max()) + 1):
        states = np.flatnonzero(depth == level)
        fail[states] = rows[row[fail[parent[states]]], last[states]]
    kids = np.flatnonzero(depth > 0)
    kids = kids[np.argsort(parent[kids], kind="stable")]
    bounds = np.searchsorted(parent[kids], np.arange(0, len(row) + CHUNK_STATES, CHUNK_STATES))
    for chunk, lo in enumerate(range(0, len(row), CHUNK_STATES)):
        hi = min(len(row), lo + CHUNK_STATES)
        expected = rows[row[fail[lo:hi]]]
        if lo == 0:
            expected[0] = 0  # the root's missing children lead back to the root
        children = kids[bounds[chunk] : bounds[chunk + 1]]
        expected[parent[children] - lo, last[children]] = children
        if not np.array_equal(rows[row[lo:hi]], expected):
            return False
    return True


def walk_tables(identifier: LanguageIdentifier) -> WalkTables | None:
    """The arrays ``feature_visits`` needs; ``None`` unless the DFA is a longest-suffix automaton."""
    rows, row = _transitions(identifier)
    depth, parent, last = _trie(rows, row)
    if depth.max() < 2 or not _is_longest_suffix_automaton(rows, row, depth, parent, last):
        return None
    nextmove, rowbase = rows.ravel(), row << 8
    first, second = np.divmod(np.arange(1 << 16), 256)
    from_root = nextmove[rowbase[nextmove[rowbase[0] + first]] + second]
    output = np.asarray(identifier.tk_output, dtype=np.intp)
    return WalkTables(nextmove, rowbase, output, from_root, int(depth.max()), len(identifier.nb_ptc))


def feature_visits(tables: WalkTables, data: bytes) -> tuple[np.ndarray, np.ndarray] | None:
    """(features, counts) visited by the DFA walk over ``data``, in first-visit order; ``None`` if none.

    Written by hand because py3langid's own count (``visit_counts``) is a Python loop per byte. The state after
    byte i is the state after walking bytes i-depth+1..i from the start state (the longest suffix that is a state
    string is among them), so all positions walk their window at once: ``depth`` vectorised steps, not one
    Python step per byte.
    """
    text = np.frombuffer(data, np.uint8).astype(np.intp)
    states = tables.nextmove[tables.rowbase[0] + text]  # windows of one byte
    states[1:] = tables.from_root[(text[:-1] << 8) | text[1:]]  # of two bytes
    for _ in range(tables.depth - 2):  # one byte longer each time
        states[1:] = tables.nextmove[tables.rowbase[states[:-1]] + text[1:]]
    found = tables.output[states]
    visited = found[found >= 0]
    if not visited.size:
        return None
    # Counter's order: by first visit. minimum.at leaves each feature's first position in `first`; a visit is a
    # first visit where that is its own position, and counts gather at the first positions.
    position = np.arange(visited.size, dtype=np.int32)
    first = np.full(tables.features, visited.size, np.int32)
    np.minimum.at(first, visited, position)
    first_of = first[visited]
    is_first = first_of == position
    return visited[is_first], np.bincount(first_of, minlength=visited.size)[is_first]


class Float32Rows:
    """float32 copies of a float16 table's rows, made the first time a row is asked for, up to ``capacity``.

    Rows are packed in the order they are first asked for, so memory follows the features the texts use (~16,000
    rows, 9 MB, for all the shared English and Korean texts), not the model's size; past ``capacity`` the rows
    not kept are cast on each call, as py3langid does.
    """

    def __init__(self, table: np.ndarray, capacity: int = ROW_CACHE_ROWS) -> None:
        self.table = table
        self._slots = np.full(len(table), -1, np.int32)
        self._rows = np.zeros((min(capacity, len(table)), table.shape[1]), np.float32)  # pages used as filled
        self._used = 0
        self._lock = threading.Lock()  # the watcher extracts in several threads

    def take(self, features: np.ndarray) -> np.ndarray:
        """The rows of ``features`` (distinct indices), as float32, in that order."""
        with self._lock:
            slots = self._slots[features]
            new = features[slots < 0][: len(self._rows) - self._used]
            if new.size:
                end = self._used + new.size
                self._rows[self._used : end] = self.table[new]  # float16 -> float32 is exact
                self._slots[new] = np.arange(self._used, end)
                self._used = end
                slots = self._slots[features]
            rows = self._rows[slots]
        lacking = slots < 0  # only once the cache is full
        if lacking.any():
            rows[lacking] = self.table[features[lacking]]
        return rows


class FastIdentifier(LanguageIdentifier):
    """py3langid's ``LanguageIdentifier`` with ``_raw_score`` vectorised; everything else is py3langid's."""

    __slots__ = ("_tables", "_rows32")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._tables = walk_tables(self)
        if self._tables is None:
            LOGGER.warning("py3langid's DFA is not a longest-suffix automaton: using its own byte walk")
        self._rows32: Float32Rows | None = None

    def _raw_score(self, text: bytes) -> np.ndarray:
        usable = self._tables is not None and isinstance(text, bytes)
        visits = feature_visits(self._tables, text) if usable else None
        if visits is None:  # no features (py3langid's fill value) or no tables: py3langid's own code
            return super()._raw_score(text)
        features, counts = visits
        rows32 = self._rows32
        if rows32 is None or rows32.table is not self.nb_ptc:  # first use, or set_languages() changed it
            rows32 = self._rows32 = Float32Rows(self.nb_ptc)
        # py3langid: np.log1p(counts) @ table[idx] + nb_pc, where NumPy casts the gathered float16 rows to float32
        # before the product (~0.35 ms for 3,000 English bytes); the same operands, the cast done once per row
        return np.log1p(counts.astype(np.float32)) @ rows32.take(features) + self.nb_pc
