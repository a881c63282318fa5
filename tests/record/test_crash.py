"""kill -9 in the middle of ``wirewatch recheck --all``, then again to the end: no partial version rows, WARC
files that read to their last whole record, nothing lost. Run as a user runs it: subprocesses on a data dir."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.sites.news import ARTICLE_RULES, LISTING_RULES, Story, listing_html
from tests.sites.server import LocalSite, Page
from wirewatch.archive.warcread import ReadStats, read_warc

ARTICLES = 40


def wirewatch(data_dir: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "WIREWATCH_DATA_DIR": str(data_dir)}
    env.pop("WIREWATCH_DB_PATH", None)
    return subprocess.Popen([sys.executable, "-m", "wirewatch.cli", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip


def run(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    process = wirewatch(data_dir, *args)
    out, err = process.communicate(timeout=60)
    return subprocess.CompletedProcess(args, process.returncode, out, err)


def stories(edition: int) -> list[Story]:
    return [
        Story(f"/a/{i}", f"Report {i} edition {edition}",
              [f"Pyongyang (KCNA) -- Report {i} says edition {edition} of its text.", "A second paragraph."])
        for i in range(ARTICLES)
    ]  # fmt: skip


def serve(site: LocalSite, edition: int, delay: float = 0.0) -> None:
    for story in stories(edition):
        site.routes[story.path] = Page(story.html(), delay=delay)
    site.routes["/list"] = Page(listing_html(stories(edition)))


def add_source(data_dir: Path, site: LocalSite) -> None:
    tables = "".join(
        f"[sources.rules.{part}]\n" + "".join(f'{key} = "{value}"\n' for key, value in rules.items())
        for part, rules in (("listing", LISTING_RULES), ("article", ARTICLE_RULES))
    )
    (data_dir / "pack.toml").write_text(
        f'[pack]\nname = "crash"\n[[sources]]\nname = "Crash"\nedition = "En"\nlanguage = "en"\nhome = "{site.url("/")}"\n'
        f'listings = ["{site.url("/list")}"]\n'
        f"delay = 0\n{tables}"
    )


def integrity(data_dir: Path) -> list[tuple[int, int]]:
    """Every article's version_count equals its versions, numbered 1..n, current = the last. Returns counts."""
    with sqlite3.connect(data_dir / "wirewatch.sqlite3") as db:
        rows = db.execute(
            "SELECT a.id, a.version_count, COUNT(v.id), MIN(v.number), MAX(v.number), "
            "(SELECT number FROM archive_version WHERE id = a.current_version_id) "
            "FROM archive_article a LEFT JOIN archive_version v ON v.article_id = a.id GROUP BY a.id"
        ).fetchall()
    for article, count, versions, low, high, current in rows:
        assert (count, low, high, current) == (versions, 1, versions, versions), article
    for path in (data_dir / "warc").glob("*.warc.gz*"):
        stats = ReadStats()
        assert sum(1 for _ in read_warc(path, stats)) > 0 and stats.unreadable == 0
    return [(count, versions) for _, count, versions, *_ in rows]


@pytest.mark.skipif(sys.platform == "win32", reason="kill -9")
def test_kill_9_during_a_recheck_run_then_a_restart_leaves_a_whole_record(tmp_path, site):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    serve(site, 1)
    add_source(data_dir, site)
    assert run(data_dir, "sources", "add-pack", str(data_dir / "pack.toml")).returncode == 0
    polled = run(data_dir, "watch", "--once")
    assert polled.returncode == 0, polled.stderr
    serve(site, 2, delay=0.02)
    process = wirewatch(data_dir, "recheck", "--all")
    deadline = time.monotonic() + 15
    while (
        len([h for h in site.hits if h.path.startswith("/a/")]) < ARTICLES + 10
        and time.monotonic() < deadline
    ):
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    middle = integrity(data_dir)
    assert 0 < sum(versions for _, versions in middle) - ARTICLES < ARTICLES  # killed part-way through
    finished = run(data_dir, "recheck", "--all")
    assert finished.returncode == 0, finished.stderr
    assert not list((data_dir / "warc").glob("*.open"))  # the killed run's file was closed at restart
    assert integrity(data_dir) == [(2, 2)] * ARTICLES
