"""``wirewatch check`` finds what is wrong, and ``--repair`` fixes what is derived, never versions."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from tests.faults.conftest import add_sources, query, wirewatch
from tests.faults.publisher import Publisher
from tests.sites.server import LocalSite


@pytest.fixture(scope="module")
def watched(tmp_path_factory):
    """A data directory holding 3 sources x 12 articles, watched once (built once, copied for each test)."""
    data_dir = tmp_path_factory.mktemp("watched")
    sites = [LocalSite().start() for _ in range(3)]
    publishers = [Publisher(site) for site in sites]
    for publisher in publishers:
        for _ in range(12):
            publisher.publish()
    add_sources(data_dir, publishers)
    result = wirewatch(data_dir, "watch", "--once")
    for site in sites:
        site.stop()
    assert result.returncode == 0, result.stderr
    return data_dir


@pytest.fixture
def archive(watched, tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(watched, copy)
    return copy


def tamper(data_dir, *statements: str) -> None:
    db = sqlite3.connect(data_dir / "wirewatch.sqlite3")
    with db:
        for statement in statements:
            db.execute(statement)
    db.close()


def test_check_passes_on_a_freshly_watched_archive(archive):
    result = wirewatch(archive, "check")
    assert result.returncode == 0, result.stdout
    assert [line.split()[0] for line in result.stdout.splitlines() if not line.startswith(" ")] == ["OK"] * 5
    assert query(archive, "SELECT count(*) FROM archive_article")[0][0] == 36


def test_check_fails_on_a_wrong_version_count_and_repair_leaves_versions_alone(archive):
    tamper(archive, "UPDATE archive_article SET version_count = 5 WHERE id = 3")
    before = query(archive, "SELECT id, number, content_hash FROM archive_version ORDER BY id")
    result = wirewatch(archive, "check", "--repair")
    assert result.returncode == 1
    assert "FAIL versions" in result.stdout and "version_count differs" in result.stdout
    assert query(archive, "SELECT id, number, content_hash FROM archive_version ORDER BY id") == before


def test_check_finds_a_missing_and_a_stale_search_row_and_repair_reindexes(archive):
    tamper(
        archive,
        "DELETE FROM search_index WHERE rowid = 2",
        "INSERT INTO search_index (rowid, title) VALUES (999, 'x')",
    )
    found = wirewatch(archive, "check", "--only", "search")
    assert found.returncode == 1
    assert "1 articles not indexed" in found.stdout and "1 stale index rows" in found.stdout
    repaired = wirewatch(archive, "check", "--repair")
    assert repaired.returncode == 0, repaired.stdout
    assert "REPAIRED reindexed 36 articles" in repaired.stdout


def test_check_fails_when_a_fetch_points_at_no_warc_record(archive):
    tamper(
        archive,
        "UPDATE fetching_fetch SET warc_offset = warc_offset + 7 WHERE id = (SELECT max(fetch_id) FROM archive_version)",
    )
    result = wirewatch(archive, "check", "--only", "warc")
    assert result.returncode == 1 and "1 fetches without their WARC record" in result.stdout


def test_check_fails_on_a_warc_file_damaged_in_the_middle(archive):
    path = sorted((archive / "warc").glob("*.warc.gz*"))[0]
    data = bytearray(path.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 64] = b"\0" * 64
    path.write_bytes(bytes(data))
    result = wirewatch(archive, "check", "--only", "warc")
    assert result.returncode == 1 and f"{path.name}: unreadable after byte" in result.stdout


def test_check_fails_on_a_dangling_reference_and_a_mention_on_another_articles_version(archive):
    tamper(archive, "PRAGMA foreign_keys = OFF", "UPDATE archive_version SET fetch_id = 999999 WHERE id = 1")
    result = wirewatch(archive, "check", "--only", "database")
    assert result.returncode == 1 and "dangling references" in result.stdout


def test_check_cuts_the_partial_last_record_a_killed_writer_left_open(archive):
    opened = sorted((archive / "warc").glob("*.warc.gz*"))[-1]
    if not opened.name.endswith(".open"):
        opened = opened.rename(opened.with_name(opened.name + ".open"))
    path = opened.with_name(opened.name.removesuffix(".open"))
    with open(opened, "ab") as out:
        out.write(b"\x1f\x8b\x08\x00partial record")
    noted = wirewatch(archive, "check", "--only", "warc")
    assert noted.returncode == 0 and "cut last record" in noted.stdout
    repaired = wirewatch(archive, "check", "--repair")
    assert repaired.returncode == 0 and path.exists() and not opened.exists()
