"""The data directory's disk fills up during a poll: a clear error, nothing corrupt, recovery once freed.

The data directory is a small tmpfs the test mounts (the tests run as root here and in CI).
"""

from __future__ import annotations

import errno
import os
import subprocess

import pytest

from tests.faults.conftest import add_sources, query, served_once, wirewatch


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        if os.environ.get("CI") == "true":
            pytest.fail(f"cannot mount a tmpfs ({done.stderr!r}), and CI must run the disk-full test")
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=True)


def fill(disk, leave: int = 0) -> None:
    """Write a filler file until the disk is full (less ``leave`` bytes)."""
    with open(disk / "filler", "wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    if leave:
        os.truncate(disk / "filler", max(0, (disk / "filler").stat().st_size - leave))


@pytest.mark.parametrize("leave", [0, 40_000, 200_000], ids=["no-space", "a-few-records", "some-articles"])
def test_a_full_disk_fails_the_poll_clearly_and_the_next_poll_recovers_everything(
    small_disk, publishers, leave
):
    data = small_disk / "data"
    for publisher in publishers:
        for _ in range(25):
            publisher.publish()
    add_sources(data, publishers)
    fill(small_disk, leave)
    full = wirewatch(data, "watch", "--once")
    assert "Traceback" not in full.stdout + full.stderr
    os.unlink(small_disk / "filler")
    again = wirewatch(data, "watch", "--once")
    assert again.returncode == 0, again.stdout + again.stderr
    check = wirewatch(data, "check")
    assert check.returncode == 0, check.stdout
    missing, doubled = served_once(data, publishers)
    assert not missing and not doubled
    assert query(data, "SELECT count(*) FROM archive_article")[0][0] == 75


def test_a_warc_write_that_fills_the_disk_leaves_no_partial_record_and_writing_resumes(small_disk):
    from datetime import UTC, datetime

    from wirewatch.fetching.warc import WarcWriter, build_exchange, complete_gzip_length

    body = os.urandom(50_000)  # incompressible: the disk fills within a few records
    writer = WarcWriter(small_disk / "warc", max_bytes=10**9)
    fill(small_disk, leave=120_000)
    written, failed = [], None
    for number in range(10):
        try:
            written.append(
                writer.append(
                    build_exchange(f"http://x/{number}", {}, 200, "OK", {}, body, datetime.now(UTC))
                )
            )
        except OSError as exc:
            failed = exc
            break
    assert failed is not None and failed.errno == errno.ENOSPC and written
    os.unlink(small_disk / "filler")
    after = writer.append(build_exchange("http://x/after", {}, 200, "OK", {}, body, datetime.now(UTC)))
    writer.close()
    assert after.file != written[0].file  # a new file after the failure
    for path in (small_disk / "warc").iterdir():
        with open(path, "rb") as stream:
            assert complete_gzip_length(stream) == path.stat().st_size, path.name  # whole records only
