"""``wirewatch serve``: the web UI and API behind granian, a production WSGI server written in Rust.

granian was chosen by measurement (docs/performance.md). It serves /static/ itself from the collected
static folder, so Django never spends a worker on a stylesheet.
"""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command


def collect_static() -> None:
    call_command("collectstatic", interactive=False, verbosity=0)


def server_command(host: str, port: int, workers: int) -> list[str]:
    """granian with one blocking thread per worker: its default pool halves Django's throughput on 2 cores."""
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        "1",
        "--no-ws",
        "--log-level",
        "warning",
        "--static-path-route",
        settings.STATIC_URL.rstrip("/"),
        "--static-path-mount",
        str(settings.STATIC_ROOT),
        "wirewatch.wsgi:application",
    ]


def server_environment() -> dict[str, str]:
    """The server's workers must see the same data directory and database as this process."""
    env = dict(os.environ)
    env["WIREWATCH_DATA_DIR"] = str(settings.DATA_DIR)
    env["WIREWATCH_DB_PATH"] = str(settings.DATABASES["default"]["NAME"])
    env.setdefault("DJANGO_SETTINGS_MODULE", "wirewatch.settings")
    return env


def start_server(host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> subprocess.Popen:
    collect_static()
    return subprocess.Popen(server_command(host, port, workers), env=server_environment())


def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> int:
    """Run the server in the foreground until interrupted; returns its exit code."""
    process = start_server(host, port, workers)
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        return process.wait()
