"""Helpers for fault tests: wirewatch commands as subprocesses on their own data directory."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.faults.publisher import Publisher
from tests.sites.server import LocalSite

ROOT = Path(__file__).resolve().parents[2]


def environment(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "WIREWATCH_DATA_DIR": str(data_dir), "WIREWATCH_LOG_LEVEL": "ERROR", **extra}
    env.pop("WIREWATCH_DB_PATH", None)
    return env


def wirewatch(data_dir: Path, *args: str, timeout: float = 120, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "wirewatch.cli", *args],
        env=environment(data_dir, **extra), capture_output=True, text=True, timeout=timeout, cwd=ROOT,
    )  # fmt: skip


def query(data_dir: Path, sql: str) -> list[tuple]:
    """Read the subprocesses' database directly (read-only), as an outside observer."""
    db = sqlite3.connect(f"file:{data_dir / 'wirewatch.sqlite3'}?mode=ro", uri=True, timeout=30)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def add_sources(data_dir: Path, publishers: list[Publisher]) -> None:
    for number, publisher in enumerate(publishers):
        result = wirewatch(
            data_dir, "sources", "add", f"Busy {number}", "--edition", "En", "--language", "en",
            "--feed", publisher.feed_url, "--delay", "0", "--poll-interval", "1",
        )  # fmt: skip
        assert result.returncode == 0, result.stderr


@pytest.fixture
def publishers():
    """Three busy sources on three ports (three "hosts": polled in parallel)."""
    sites = [LocalSite().start() for _ in range(3)]
    made = [Publisher(site, every=0.1) for site in sites]
    yield made
    for publisher in made:
        if not publisher.stop_event.is_set():
            publisher.stop()
    for site in sites:
        site.stop()


def served_once(data_dir: Path, publishers: list[Publisher]) -> tuple[set[str], dict[str, int]]:
    """(URLs served but missing from the database, URLs stored more than once)."""
    served = set().union(*(p.served for p in publishers))
    rows = query(data_dir, "SELECT url, count(*) FROM archive_article GROUP BY url")
    stored = dict(rows)
    return served - set(stored), {url: n for url, n in stored.items() if n > 1}
