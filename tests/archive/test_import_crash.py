"""kill -9 in the middle of ``wirewatch import warc``: every committed batch is whole (articles with their versions,
index rows, signatures and re-check rows), nothing half-stored; importing again completes the file. Run as a user
runs it: subprocesses on a data directory."""

from __future__ import annotations

import io
import os
import signal
import sqlite3
import sys
import time
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.record.test_crash import run, wirewatch
from tests.sites.news import ARTICLE_RULES, LISTING_RULES, Story

PAGES, BATCH = 200, 25


def write_warc(path: Path) -> Path:
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for n in range(PAGES):
            words = " ".join(f"w{n}x{k}" for k in range(30))
            body = (
                Story(f"/a/{n}", f"Report {n}", [f"Pyongyang (KCNA) -- Report {n}: {words}."]).html().encode()
            )
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], "HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"http://a.example/a/{n}", "response", length=len(body),
                                                          payload=io.BytesIO(body), http_headers=http))  # fmt: skip
    return path


def counts(data_dir: Path) -> dict[str, int]:
    tables = [
        "archive_article",
        "archive_version",
        "archive_recheckstate",
        "dedupe_signature",
        "search_index",
    ]
    with sqlite3.connect(f"file:{data_dir / 'wirewatch.sqlite3'}?mode=ro", uri=True, timeout=30) as db:
        return {table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in tables}  # noqa: S608


@pytest.mark.skipif(sys.platform == "win32", reason="kill -9")
def test_kill_9_during_an_import_keeps_whole_batches_and_a_second_import_completes_it(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    tables = "".join(
        f"[sources.rules.{part}]\n" + "".join(f'{key} = "{value}"\n' for key, value in rules.items())
        for part, rules in (("listing", LISTING_RULES), ("article", ARTICLE_RULES))
    )
    (data_dir / "pack.toml").write_text(
        '[pack]\nname = "import"\n[[sources]]\nname = "A"\nedition = "En"\nlanguage = "en"\n'
        f'home = "http://a.example/"\nlistings = ["http://a.example/list"]\n{tables}'
    )
    assert run(data_dir, "sources", "add-pack", str(data_dir / "pack.toml")).returncode == 0
    path = write_warc(tmp_path / "crawl.warc.gz")
    process = wirewatch(
        data_dir, "import", "warc", str(path), "--batch", str(BATCH), "--workers", "0", "--quiet"
    )
    deadline = time.monotonic() + 60
    while counts(data_dir)["archive_article"] < BATCH and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    middle = counts(data_dir)
    assert 0 < middle["archive_article"] < PAGES  # killed part-way through
    assert middle["archive_article"] % BATCH == 0  # whole batches only
    assert set(middle.values()) == {middle["archive_article"]}  # each with all its rows
    again = run(data_dir, "import", "warc", str(path), "--quiet")
    assert again.returncode == 0, again.stderr
    assert f"{PAGES - middle['archive_article']} new articles" in again.stdout
    assert set(counts(data_dir).values()) == {PAGES}
    assert "0 new articles" in run(data_dir, "import", "warc", str(path), "--quiet").stdout
