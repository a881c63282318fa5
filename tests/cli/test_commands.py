"""The ``wirewatch`` command, run as a user runs it: a subprocess on a fresh data directory."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.sites.news import Story, serve_listing
from tests.sites.server import Page


def wirewatch(data_dir: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "WIREWATCH_DATA_DIR": str(data_dir)}
    env.pop("WIREWATCH_DB_PATH", None)
    return subprocess.run(
        [sys.executable, "-m", "wirewatch.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.parametrize("command", [[], ["sources"], ["sources", "add"], ["watch"], ["serve"], ["demo"]])
def test_every_command_has_help(tmp_path, command):
    result = wirewatch(tmp_path, *command, "--help")
    assert result.returncode == 0
    assert "usage: wirewatch" in result.stdout


def test_a_fresh_data_directory_is_created_and_migrated_by_any_command(tmp_path):
    data_dir = tmp_path / "fresh" / "data"
    result = wirewatch(data_dir, "sources", "list")
    assert result.returncode == 0, result.stderr
    assert "no sources yet" in result.stdout
    assert (data_dir / "wirewatch.sqlite3").exists()


def test_sources_add_then_list_shows_the_display_name_and_status(tmp_path):
    added = wirewatch(
        tmp_path,
        "sources",
        "add",
        "Naenara",
        "--edition",
        "En",
        "--language",
        "en",
        "--listing",
        "http://127.0.0.1:9/en/news",
        "--delay",
        "0",
    )
    assert added.returncode == 0, added.stderr
    assert "Naenara (En)" in added.stdout
    rows = json.loads(wirewatch(tmp_path, "sources", "list", "--json").stdout)
    assert [(r["slug"], r["display_name"], r["status"]) for r in rows] == [
        ("naenara-en", "Naenara (En)", "new")
    ]


def test_sources_add_refuses_a_bad_definition_with_a_clear_message(tmp_path):
    result = wirewatch(
        tmp_path, "sources", "add", "X", "--edition", "En", "--language", "en", "--feed", "ftp://x/"
    )
    assert result.returncode == 2
    assert "not an http(s) URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_watch_once_fetches_new_articles_and_exits_zero(tmp_path, site):
    stories = [
        Story(f"/a/{n}", f"Story number {n}", [f"Paragraph of story {n}. " * 5], "2025-03-0" + str(n))
        for n in range(1, 6)
    ]
    listing = serve_listing(site, stories)
    site.routes["/robots.txt"] = Page("User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"})
    wirewatch(
        tmp_path,
        "sources",
        "add",
        "Local",
        "--edition",
        "En",
        "--language",
        "en",
        "--listing",
        listing,
        "--delay",
        "0",
    )
    result = wirewatch(tmp_path, "watch", "--once")
    assert result.returncode == 0, result.stderr
    assert "local-en: 5 new, 5 found" in result.stdout
    rows = json.loads(wirewatch(tmp_path, "sources", "list", "--json").stdout)
    assert rows[0]["articles"] == 5 and rows[0]["status"] == "ok"


def test_watch_once_exits_non_zero_and_says_why_when_a_source_is_down(tmp_path):
    wirewatch(
        tmp_path,
        "sources",
        "add",
        "Down",
        "--edition",
        "En",
        "--language",
        "en",
        "--listing",
        "http://127.0.0.1:9/news",
        "--delay",
        "0",
    )
    result = wirewatch(tmp_path, "watch", "--once")
    assert result.returncode == 1
    assert "down-en" in result.stderr and "127.0.0.1:9" in result.stderr
    assert "Traceback" not in result.stderr
