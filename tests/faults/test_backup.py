"""``wirewatch backup`` while the watcher writes, then ``wirewatch restore --verify``: the copy is whole."""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
import time
import zlib

from tests.faults.conftest import ROOT, add_sources, environment, query, wirewatch


def start_watcher(data_dir) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "wirewatch.cli", "watch"], env=environment(data_dir), cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def wait_for_articles(data_dir, count: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db = data_dir / "wirewatch.sqlite3"
        if db.exists() and query(data_dir, "SELECT count(*) FROM archive_article")[0][0] >= count:
            return
        time.sleep(0.3)
    raise AssertionError(f"fewer than {count} articles after {seconds} s")


def blob_hashes_hold(data_dir) -> bool:
    rows = query(data_dir, "SELECT digest, data FROM archive_blob")
    return bool(rows) and all(hashlib.sha256(zlib.decompress(data)).hexdigest() == d for d, data in rows)


def test_a_backup_taken_under_write_load_restores_whole(tmp_path, publishers):
    live, dest, restored = tmp_path / "live", tmp_path / "backup", tmp_path / "restored"
    for publisher in publishers:
        publisher.edit_every = 3
        publisher.start()
    add_sources(live, publishers)
    watcher = start_watcher(live)
    try:
        wait_for_articles(live, 30)
        taken = wirewatch(live, "backup", str(dest), "--verify")
        assert taken.returncode == 0, taken.stderr
        wait_for_articles(live, len(query(live, "SELECT id FROM archive_article")) + 5)  # still writing
    finally:
        watcher.send_signal(signal.SIGTERM)
        watcher.wait(timeout=30)
    manifest = json.loads((dest / "manifest.json").read_text())
    back = wirewatch(restored, "restore", str(dest), "--verify")
    assert back.returncode == 0, back.stdout + back.stderr
    counts = {
        "articles": query(restored, "SELECT count(*) FROM archive_article")[0][0],
        "versions": query(restored, "SELECT count(*) FROM archive_version")[0][0],
        "fetches": query(restored, "SELECT count(*) FROM fetching_fetch")[0][0],
    }
    assert counts == manifest["counts"] and counts["articles"] >= 30
    assert query(live, "SELECT count(*) FROM archive_article")[0][0] > counts["articles"]
    versions = "SELECT id, article_id, number, content_hash, text_blob_id FROM archive_version ORDER BY id"
    assert set(query(restored, versions)) <= set(query(live, versions))
    assert blob_hashes_hold(restored)


def test_restore_refuses_a_data_directory_with_data_and_a_damaged_backup(tmp_path, publishers):
    live, dest = tmp_path / "live", tmp_path / "backup"
    for publisher in publishers:
        publisher.publish()
    add_sources(live, publishers)
    assert wirewatch(live, "watch", "--once").returncode == 0
    assert wirewatch(live, "backup", str(dest)).returncode == 0
    refused = wirewatch(live, "restore", str(dest))
    assert refused.returncode == 2 and "already holds data; use --force" in refused.stderr
    again = wirewatch(live, "backup", str(dest))
    assert again.returncode == 2 and "not an empty folder" in again.stderr
    warc = next((dest / "warc").iterdir())
    data = warc.read_bytes()
    warc.write_bytes(data[:-1] + bytes([data[-1] ^ 0xFF]))
    damaged = wirewatch(tmp_path / "empty", "restore", str(dest))
    assert damaged.returncode == 2 and "not as the manifest says" in damaged.stderr
