"""``wirewatch backup`` and ``wirewatch restore``: an online, consistent copy of the database and WARC files.

Consistency: the database is copied first, as one snapshot (SQLite's online backup API, sqlite.org/backup.html,
in one step: a read transaction, which in WAL mode never blocks the watcher). Every fetch row in that snapshot
points at a WARC record that was fsynced before the row was committed, so the WARC files, measured *after* the
snapshot and copied up to that size (cut after their last whole gzip member), hold every record it names.
On PostgreSQL we open a REPEATABLE READ transaction, count in it, export its snapshot and run
``pg_dump --format=custom --snapshot=<id>`` on that very snapshot (postgresql.org/docs/current/app-pgdump.html,
functions-admin.html#FUNCTIONS-SNAPSHOT-SYNCHRONIZATION): the counts in the manifest are the dump's, exactly,
however busy the workers are. Restore is ``pg_restore --single-transaction``: all of it or nothing.

The backup folder: ``manifest.json`` (format, time, counts, every file with its size and SHA-256),
``wirewatch.sqlite3`` (or ``wirewatch.pgdump``), ``secret.key`` and ``warc/``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from wirewatch.fetching.warc import complete_gzip_length

FORMAT = "wirewatch-backup/1"
SQLITE_NAME = "wirewatch.sqlite3"
PG_NAME = "wirewatch.pgdump"
_CHUNK = 1 << 20


class BackupError(Exception):
    """What went wrong, said plainly (a bad destination, a checksum that differs, a refused overwrite)."""


@dataclass
class BackupReport:
    path: Path
    files: int
    bytes: int
    counts: dict[str, int]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _counts() -> dict[str, int]:
    from wirewatch.archive.models import Article, Version
    from wirewatch.fetching.models import Fetch

    return {
        "articles": Article.objects.count(),
        "versions": Version.objects.count(),
        "fetches": Fetch.objects.count(),
    }


def _empty_destination(dest: Path) -> None:
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupError(f"{dest} exists and is not an empty folder")
    (dest / "warc").mkdir(parents=True, exist_ok=True)


# -- taking a backup ---------------------------------------------------------------------------------------


def _snapshot_sqlite(target: Path) -> dict[str, int]:
    source = sqlite3.connect(settings.DATABASES["default"]["NAME"], timeout=30)
    copy = sqlite3.connect(target)
    try:
        with source:  # counts and copy from one read transaction: the counts describe the copy
            source.execute("BEGIN")
            counts = {
                name: source.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for name, table in (
                    ("articles", "archive_article"),
                    ("versions", "archive_version"),
                    ("fetches", "fetching_fetch"),
                )
            }
            source.backup(copy)  # pages=-1: the whole database in one step, one consistent snapshot
    finally:
        copy.close()
        source.close()
    return counts


def _pg_args() -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES["default"]
    args = ["--host", db.get("HOST") or "localhost", "--port", str(db.get("PORT") or 5432)]
    args += ["--username", db.get("USER") or "postgres", "--dbname", db["NAME"]]
    return args, {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}


def _snapshot_postgres(target: Path) -> dict[str, int]:
    args, env = _pg_args()
    # The exporting transaction must stay open until pg_dump has imported the snapshot: pg_dump runs inside it.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _counts()  # in the same snapshot: exactly what the dump holds
        _run_pg("pg_dump", ["--format=custom", f"--snapshot={snapshot}", "--file", str(target), *args], env)
    return counts


def _run_pg(program: str, arguments: list[str], env: dict[str, str]) -> None:
    """Run a PostgreSQL client program; its failure (or absence) is a BackupError that says why."""
    if shutil.which(program) is None:
        raise BackupError(f"{program} not found: install the PostgreSQL client tools (postgresql-client)")
    done = subprocess.run([program, *arguments], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{program} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")


def _copy_prefix(source: Path, target: Path, size: int) -> None:
    """The first ``size`` bytes, then cut after the last whole gzip member (a record being written)."""
    with open(source, "rb") as src, open(target, "wb") as out:
        remaining = size
        while remaining and (chunk := src.read(min(_CHUNK, remaining))):
            out.write(chunk)
            remaining -= len(chunk)
    with open(target, "r+b") as out:
        out.truncate(complete_gzip_length(out))
        out.flush()
        os.fsync(out.fileno())


def _copy_warcs(dest: Path) -> None:
    sizes = {path: path.stat().st_size for path in Path(settings.WARC_DIR).glob("*.warc.gz*")}
    for path, size in sorted(sizes.items()):
        if path.name.endswith(".warc.gz") or path.name.endswith(".warc.gz.open"):
            _copy_prefix(path, dest / "warc" / path.name.removesuffix(".open"), size)


def _write_manifest(dest: Path, counts: dict[str, int], database: str) -> BackupReport:
    files = sorted(p for p in dest.rglob("*") if p.is_file() and p.name != "manifest.json")
    entries = [
        {"path": str(p.relative_to(dest)), "size": p.stat().st_size, "sha256": _sha256(p)} for p in files
    ]
    manifest = {
        "format": FORMAT,
        "created": datetime.now(UTC).isoformat(),
        "database": database,
        "counts": counts,
        "files": entries,
    }
    (dest / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return BackupReport(dest, len(entries), sum(e["size"] for e in entries), counts)


def backup(dest: Path) -> BackupReport:
    """Copy the database (one snapshot) and the WARC files into the empty folder ``dest``."""
    dest = Path(dest)
    _empty_destination(dest)
    if connection.vendor == "sqlite":
        counts, database = _snapshot_sqlite(dest / SQLITE_NAME), SQLITE_NAME
    else:
        counts, database = _snapshot_postgres(dest / PG_NAME), PG_NAME
    _copy_warcs(dest)  # after the snapshot: see the module docstring
    key = Path(settings.DATA_DIR) / "secret.key"
    if key.exists():
        shutil.copy2(key, dest / "secret.key")
    return _write_manifest(dest, counts, database)


# -- verifying and restoring ---------------------------------------------------------------------------------


def read_manifest(src: Path) -> dict:
    try:
        manifest = json.loads((Path(src) / "manifest.json").read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{src}: no readable manifest.json ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{src}: not a {FORMAT} backup")
    return manifest


def verify_backup(src: Path) -> dict:
    """Every file the manifest lists is there with its size and checksum; returns the manifest."""
    src = Path(src)
    manifest = read_manifest(src)
    for entry in manifest["files"]:
        path = src / entry["path"]
        if ".." in Path(entry["path"]).parts or Path(entry["path"]).is_absolute():
            raise BackupError(f"manifest names a path outside the backup: {entry['path']}")
        if not path.is_file() or path.stat().st_size != entry["size"] or _sha256(path) != entry["sha256"]:
            raise BackupError(f"{entry['path']}: missing or not as the manifest says (size/SHA-256)")
    return manifest


def _data_present() -> bool:
    from wirewatch.sources.models import Source

    has_warc = any(Path(settings.WARC_DIR).glob("*.warc.gz*")) if Path(settings.WARC_DIR).exists() else False
    return has_warc or _counts()["fetches"] > 0 or Source.objects.exists()


def _restore_sqlite(src: Path) -> None:
    target = Path(settings.DATABASES["default"]["NAME"])
    connection.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    tmp = target.with_name(target.name + ".restoring")
    shutil.copyfile(src / SQLITE_NAME, tmp)
    os.replace(tmp, target)  # the live name never points at a half-copied database


def _restore_postgres(src: Path) -> None:
    args, env = _pg_args()
    connection.close()
    options = ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error"]
    _run_pg("pg_restore", [*options, *args, str(src / PG_NAME)], env)


def restore(src: Path, force: bool = False) -> dict:
    """Verify the backup, then put it in place of this data directory's (empty unless ``force``) data."""
    src = Path(src)
    manifest = verify_backup(src)
    if _data_present() and not force:
        raise BackupError(f"{settings.DATA_DIR} already holds data; use --force to replace it")
    warc_dir = Path(settings.WARC_DIR)
    if warc_dir.exists():
        shutil.rmtree(warc_dir)
    shutil.copytree(src / "warc", warc_dir)
    if (src / "secret.key").exists():
        shutil.copy2(src / "secret.key", Path(settings.DATA_DIR) / "secret.key")
    if manifest["database"] == SQLITE_NAME:
        _restore_sqlite(src)
    else:
        _restore_postgres(src)
    return manifest
