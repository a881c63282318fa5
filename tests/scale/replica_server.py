"""A real PostgreSQL hot standby of the suite's server, for the read-replica tests.

``pg_basebackup -R`` from the primary the suite uses (its test database included) into a temporary directory,
then a second postmaster on a free loopback port streams from it. PostgreSQL refuses to run as root, so under
root the server programs run as the ``postgres`` OS user (runuser). The primary must accept replication
connections from 127.0.0.1 (pg_hba.conf: ``host replication all 127.0.0.1/32 trust``).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


class Unavailable(Exception):
    """This machine cannot run a replica (no binaries, no replication access...): the reason says why."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _bin_dir(major: int) -> Path:
    found = sorted(glob.glob(f"/usr/lib/postgresql/{major}/bin/pg_basebackup"))
    if found:
        return Path(found[0]).parent
    on_path = shutil.which("pg_basebackup")
    if on_path is None:
        raise Unavailable(
            f"no pg_basebackup for PostgreSQL {major} (/usr/lib/postgresql/{major}/bin or PATH)"
        )
    return Path(on_path).parent


class Standby:
    def __init__(self, primary: dict, major: int):
        self.primary, self.bin = primary, _bin_dir(major)
        self.port = _free_port()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.root = Path(tempfile.mkdtemp(prefix="wirewatch-replica-"))
        self.data = self.root / "data"

    def _run(self, *command: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([*self.as_user, *command], capture_output=True, text=True, timeout=timeout)

    def start(self) -> Standby:
        if self.as_user:
            shutil.chown(self.root, "postgres")
        host, port = self.primary.get("HOST") or "127.0.0.1", str(self.primary.get("PORT") or 5432)
        user = self.primary.get("USER") or "postgres"
        backup = self._run(str(self.bin / "pg_basebackup"), "-h", host, "-p", port, "-U", user, "-D",
                           str(self.data), "-R", "-X", "stream", "-c", "fast", "-w")  # fmt: skip
        if backup.returncode:
            raise Unavailable(f"pg_basebackup from {host}:{port} failed: {backup.stderr.strip()}")
        (self.data / "postgresql.conf").write_text("")  # Debian keeps the primary's config in /etc
        (self.root / "hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n")
        if self.as_user:
            for path in (self.data / "postgresql.conf", self.root / "hba.conf"):
                shutil.chown(path, "postgres")
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.root}"
                   f" -c hba_file={self.root / 'hba.conf'} -c hot_standby=on -c ssl=off -c fsync=off"
                   " -c shared_buffers=16MB -c wal_receiver_status_interval=1")  # fmt: skip
        started = self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"),
                            "-w", "-t", "60", "-o", options, "start")  # fmt: skip
        if started.returncode:
            log = (self.root / "log").read_text() if (self.root / "log").exists() else ""
            self.remove()
            raise Unavailable(f"the standby did not start: {started.stdout}{started.stderr}{log[-2000:]}")
        return self

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def wait_until_replayed(primary_cursor, replica_cursor, timeout: float = 30) -> None:
    """Until the standby has replayed everything the primary wrote so far."""
    primary_cursor.execute("SELECT pg_current_wal_lsn()::text")
    target = primary_cursor.fetchone()[0]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replica_cursor.execute("SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s::pg_lsn) >= 0", [target])
        if replica_cursor.fetchone()[0]:
            return
        time.sleep(0.05)
    raise AssertionError(f"the standby did not replay up to {target} within {timeout} s")
