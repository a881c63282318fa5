"""The shared page cache of single-machine mode: Django's file cache, with its size checked every few writes.

Django's ``FileBasedCache`` keeps the directory under ``MAX_ENTRIES`` files by listing all of it at every write
(``_cull``), which costs time in proportion to the files there: 3 ms at 3,400 files, 22 ms at 19,900 of our
20,000 (``bench/filecache.py``; here 0.22 ms a write on average), and rendering an article page writes three
entries. So the cost of a page grew with the number of cached pages, that is with the archive and its readers
(``bench/scale.py``: an article page's first view 9 ms at 10k articles, 14-17 ms at 1M). Django's documentation
says as much and advises overriding ``_cull`` (ticket #29994).

Here each process looks at the directory on its first write and then once every ``MAX_ENTRIES / 100`` writes
(at least every write, for a tiny cache). Between two looks the directory can outgrow ``MAX_ENTRIES`` by the
writes of every process in that time (with four processes, at most 800 files over 20,000): it stays bounded,
and what is culled, and how, is Django's own code.
"""

from __future__ import annotations

import itertools
import threading
from typing import Any

from django.core.cache.backends.filebased import FileBasedCache

CHECKS_PER_MAX_ENTRIES = 100

_writes: dict[str, itertools.count] = {}  # per directory: Django makes one cache object per thread
_writes_lock = threading.Lock()


class FileCache(FileBasedCache):
    def __init__(self, dir: str, params: dict[str, Any]) -> None:
        super().__init__(dir, params)
        self.check_every = max(1, self._max_entries // CHECKS_PER_MAX_ENTRIES)
        with _writes_lock:
            self._writes = _writes.setdefault(self._dir, itertools.count())

    def _cull(self) -> None:
        # next() on an itertools.count is atomic under the GIL: no two threads get the same number
        if next(self._writes) % self.check_every == 0:
            super()._cull()
