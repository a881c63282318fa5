"""The single-machine shared cache (serving/filecache.py): the directory is listed every few writes, not at each
one, and it still stays near MAX_ENTRIES files; real files in a temporary directory."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.core.cache.backends.filebased import FileBasedCache

from wirewatch.serving.filecache import FileCache


def file_cache(directory, max_entries: int) -> FileCache:
    return FileCache(str(directory), {"TIMEOUT": 600, "OPTIONS": {"MAX_ENTRIES": max_entries}})


@pytest.fixture
def listings(monkeypatch) -> list[int]:
    """One item per listing of a cache directory (what Django's _cull does to count the files)."""
    seen: list[int] = []
    real = FileBasedCache._list_cache_files

    def counting(self):
        files = real(self)
        seen.append(len(files))
        return files

    monkeypatch.setattr(FileBasedCache, "_list_cache_files", counting)
    return seen


def test_the_directory_is_listed_once_per_hundredth_of_max_entries_writes(tmp_path, listings):
    cache = file_cache(tmp_path, max_entries=2000)  # a look every 20 writes
    for n in range(200):
        cache.set(f"page-{n}", "x" * 100)
    assert len(listings) == 10
    assert listings[0] == 0  # the first write looks (a process may start with a full directory)


def test_the_directory_stays_bounded_by_max_entries_and_one_check_interval(tmp_path, listings):
    cache = file_cache(tmp_path, max_entries=300)  # a look every 3 writes
    for n in range(3000):
        cache.set(f"page-{n}", n)
    files = len(list(tmp_path.glob("*.djcache")))
    assert 0 < files <= 300 + cache.check_every
    assert max(listings) <= 300 + cache.check_every  # never further over than the writes between two looks
    assert cache.get("page-2999") == 2999  # the newest entry survives a cull that ran before it


def test_a_tiny_cache_is_checked_at_every_write(tmp_path, listings):
    cache = file_cache(tmp_path, max_entries=50)
    for n in range(60):
        cache.set(f"k{n}", n)
    assert cache.check_every == 1 and len(listings) == 60
    assert len(list(tmp_path.glob("*.djcache"))) <= 50


def test_cache_objects_of_one_directory_share_the_count_across_threads(tmp_path, listings):
    """Django makes a cache object per thread: the writes of all of them count towards the next look."""

    def write(start: int) -> None:
        cache = file_cache(tmp_path, max_entries=1000)  # a look every 10 writes
        for n in range(start, start + 50):
            cache.set(f"page-{n}", n)

    threads = [threading.Thread(target=write, args=(n * 50,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(listings) == 200 // 10


def test_the_settings_use_it_in_single_machine_mode():
    if getattr(settings, "REDIS_URL", ""):
        pytest.skip("scale-out mode: the shared cache is Redis")
    assert settings.CACHES["default"]["BACKEND"] == "wirewatch.serving.filecache.FileCache"
