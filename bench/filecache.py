"""What one write to the single-machine page cache costs with a full directory: Django's FileBasedCache (lists the
directory at every write) against ours (serving/filecache.py: every 200 writes), interleaved in one run.

    .venv/bin/python bench/filecache.py [--files 19900] [--bytes 30000] [--writes 20] [--rounds 10]

The directory is filled to ``--files`` entries of a ``--bytes`` string each (Django stores them zlib-compressed:
the size on disk hardly matters, the listing costs per file), just under the bound of 20,000 so that no cull
deletes anything, and each write is removed after it is timed: every write sees the same directory. Ours
lists the directory at its first write and then every 200: 10 rounds of 20 writes give its real average.
Reports each one's mean and median write, in ms, and old / new of the means.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import fresh_data_dir, setup_django  # noqa: E402


def timed_writes(cache, keys: Iterator[int], writes: int, value: str) -> list[float]:
    """ms of each of ``writes`` sets of new keys, each file removed afterwards."""
    times = []
    for key in (f"page-{next(keys)}" for _ in range(writes)):
        started = time.perf_counter()
        cache.set(key, value)
        times.append((time.perf_counter() - started) * 1000)
        os.remove(cache._key_to_file(key))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=19_900)
    parser.add_argument("--bytes", type=int, default=30_000)
    parser.add_argument("--writes", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    fresh_data_dir("filecache")
    setup_django()
    from django.conf import settings
    from django.core.cache.backends.filebased import FileBasedCache

    from wirewatch.serving.filecache import FileCache

    params = {"TIMEOUT": 600, "OPTIONS": settings.CACHES["default"]["OPTIONS"]}
    directory = tempfile.mkdtemp(prefix="wirewatch-bench-filecache-")
    value = "x" * args.bytes
    try:
        filler = FileBasedCache(directory, {"TIMEOUT": 600, "OPTIONS": {"MAX_ENTRIES": 10**9}})
        for n in range(args.files):
            filler.set(f"fill-{n}", value)
        print(
            f"{len(os.listdir(directory))} files of {args.bytes} bytes, MAX_ENTRIES {params['OPTIONS']['MAX_ENTRIES']}"
        )
        backends = {
            "Django's FileBasedCache": FileBasedCache(directory, params),
            "ours (FileCache)": FileCache(directory, params),
        }
        results: dict[str, list[float]] = {name: [] for name in backends}
        keys = itertools.count()
        for _ in range(args.rounds):
            for name, cache in backends.items():
                results[name] += timed_writes(cache, keys, args.writes, value)
    finally:
        shutil.rmtree(directory)
    # The mean counts ours's one listing every 200 writes; the median shows the usual write.
    means = {name: statistics.mean(times) for name, times in results.items()}
    for name, times in results.items():
        print(f"  {name:25s} mean {means[name]:7.3f} ms, median {statistics.median(times):7.3f} ms a write")
    old, new = means.values()
    print(f"  old / new (means): {old / new:.1f}x")


if __name__ == "__main__":
    main()
