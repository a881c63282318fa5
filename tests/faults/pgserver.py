"""A private PostgreSQL for one test: initdb + pg_ctl in a temporary folder, on a free port.

Never the machine's own cluster: this one lives and dies with the test. PostgreSQL refuses to run as root, so
as root (here and in CI) the server runs as the ``postgres`` user (runuser).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest


def _bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}, and CI must run the PostgreSQL fault tests")
    pytest.skip(reason)


class PrivatePostgres:
    def __init__(self) -> None:
        self.bin = _bin()
        if self.bin is None:
            unavailable("PostgreSQL binaries not found under /usr/lib/postgresql/*/bin")
        # Not under pytest's tmp_path: that is root's (mode 700) and the postgres user could not enter it.
        self.folder, self.port = Path(tempfile.mkdtemp(prefix="wirewatch-pg-")), free_port()
        self.data = self.folder / "pgdata"
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres and not shutil.which("runuser"):
            unavailable("running as root without runuser: PostgreSQL cannot start")

    @property
    def url(self) -> str:
        return f"postgres://wirewatch@127.0.0.1:{self.port}/wirewatch"

    def _run(self, *command: str) -> None:
        subprocess.run([*self.as_postgres, *command], check=True, capture_output=True, timeout=120)

    def init(self) -> PrivatePostgres:
        self.folder.mkdir(parents=True, exist_ok=True)
        if self.as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "wirewatch", "--auth=trust", "-E", "UTF8"
        )
        self.start()
        self._run(
            str(self.bin / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "wirewatch",
            "wirewatch",
        )
        return self

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder}"
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.folder / "log"),
            "-w",
            "start",
        )

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
