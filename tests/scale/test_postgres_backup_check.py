"""``wirewatch backup``, ``restore --verify`` and ``check`` on PostgreSQL (the SQLite cases: tests/faults/).

The watcher writes to the suite's PostgreSQL test database while the backup runs; the backup is restored into
a database created here for the purpose, then both are compared row by row with psycopg, as outside observers.
"""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
import time
import uuid
import zlib

import psycopg
import pytest

from tests.faults.conftest import ROOT, environment, wirewatch
from tests.faults.publisher import Publisher
from tests.scale.test_workers import _database_url
from tests.sites.server import LocalSite

VERSIONS = "SELECT id, article_id, number, content_hash, text_blob_id FROM archive_version ORDER BY id"


def rows(url: str, sql: str) -> list[tuple]:
    with psycopg.connect(url) as db:
        return db.execute(sql).fetchall()


def count(url: str, table: str) -> int:
    return rows(url, f"SELECT count(*) FROM {table}")[0][0]


def add_sources(data_dir, url: str, publishers: list[Publisher]) -> None:
    for number, publisher in enumerate(publishers):
        added = wirewatch(
            data_dir, "sources", "add", f"Busy {number}", "--edition", "En", "--language", "en",
            "--feed", publisher.feed_url, "--delay", "0", "--poll-interval", "1", DATABASE_URL=url,
        )  # fmt: skip
        assert added.returncode == 0, added.stderr


def wait_for_articles(url: str, at_least: int, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while count(url, "archive_article") < at_least:
        assert time.monotonic() < deadline, f"fewer than {at_least} articles after {seconds} s"
        time.sleep(0.3)


@pytest.fixture
def busy():
    """Three sources publishing on three local servers (tests/faults/conftest.py's ``publishers``)."""
    sites = [LocalSite().start() for _ in range(3)]
    made = [Publisher(site, every=0.1) for site in sites]
    yield made
    for publisher in made:
        publisher.stop()
    for site in sites:
        site.stop()


@pytest.fixture
def live(scale_services):
    """The suite's PostgreSQL test database, as a URL for subprocesses."""
    return _database_url(scale_services)


@pytest.fixture
def fresh_database(live):
    """An empty database on the same server, dropped afterwards: where a backup is restored."""
    name = f"wirewatch_restore_{uuid.uuid4().hex[:10]}"
    server = live.rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"{server}/{name}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_postgres_backup_under_write_load_restores_into_a_fresh_database_whole(
    tmp_path, live, fresh_database, busy
):
    publishers = busy
    data, dest, restored = tmp_path / "live", tmp_path / "backup", tmp_path / "restored"
    for publisher in publishers:
        publisher.edit_every = 3  # edits too: second versions while the backup runs
        publisher.start()
    add_sources(data, live, publishers)
    watcher = subprocess.Popen(
        [sys.executable, "-m", "wirewatch.cli", "watch"], env=environment(data, DATABASE_URL=live), cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        wait_for_articles(live, 30)
        taken = wirewatch(data, "backup", str(dest), "--verify", DATABASE_URL=live)
        assert taken.returncode == 0, taken.stderr
        wait_for_articles(live, count(live, "archive_article") + 5)  # it kept writing
    finally:
        watcher.send_signal(signal.SIGTERM)
        watcher.wait(timeout=60)
    manifest = json.loads((dest / "manifest.json").read_text())
    assert manifest["database"] == "wirewatch.pgdump"
    back = wirewatch(restored, "restore", str(dest), "--verify", DATABASE_URL=fresh_database)
    assert back.returncode == 0, back.stdout + back.stderr
    assert "restored copy: OK" in back.stderr
    counts = {name: count(fresh_database, table) for name, table in
              (("articles", "archive_article"), ("versions", "archive_version"), ("fetches", "fetching_fetch"))}  # fmt: skip
    assert counts == manifest["counts"] and counts["articles"] >= 30  # exact: counted in the dump's snapshot
    assert count(live, "archive_article") > counts["articles"]
    assert set(rows(fresh_database, VERSIONS)) <= set(rows(live, VERSIONS))
    blobs = rows(fresh_database, "SELECT digest, data FROM archive_blob")
    assert blobs and all(hashlib.sha256(zlib.decompress(data)).hexdigest() == d for d, data in blobs)
    live_check = wirewatch(data, "check", DATABASE_URL=live)
    assert live_check.returncode == 0, live_check.stdout


def test_check_on_postgres_finds_a_missing_index_row_and_a_wrong_count_and_repairs_only_the_index(
    tmp_path, live, busy
):
    publishers = busy
    data = tmp_path / "data"
    for publisher in publishers:
        for _ in range(6):
            publisher.publish()
    add_sources(data, live, publishers)
    assert wirewatch(data, "watch", "--once", DATABASE_URL=live).returncode == 0
    clean = wirewatch(data, "check", DATABASE_URL=live)
    assert clean.returncode == 0, clean.stdout
    assert [line.split()[0] for line in clean.stdout.splitlines() if not line.startswith(" ")] == ["OK"] * 5
    with psycopg.connect(live) as db:
        db.execute("DELETE FROM search_pgindex WHERE article_id = (SELECT min(id) FROM archive_article)")
        db.execute(
            "UPDATE archive_article SET version_count = 5 WHERE id = (SELECT max(id) FROM archive_article)"
        )
    before = rows(live, VERSIONS)
    found = wirewatch(data, "check", "--repair", DATABASE_URL=live)
    assert found.returncode == 1
    assert "1 articles not indexed" in found.stdout and "version_count differs" in found.stdout
    assert "REPAIRED reindexed 18 articles" in found.stdout
    assert rows(live, VERSIONS) == before and count(live, "search_pgindex") == 18
