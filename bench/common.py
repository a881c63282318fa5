"""Shared by the benchmarks: a fresh data directory, Django set up on it, the KCNA texts, wrk."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def fresh_data_dir(name: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix=f"wirewatch-bench-{name}-"))
    os.environ["WIREWATCH_DATA_DIR"] = str(path)
    os.environ.pop("WIREWATCH_DB_PATH", None)
    return path


def setup_django(**settings_env: str) -> None:
    """Set up Django on the current data directory (call fresh_data_dir first) and migrate."""
    os.environ.update(settings_env)
    # Benchmark sources are on loopback, which the SSRF guard refuses unless allowed (fetching/guard.py).
    os.environ.setdefault("WIREWATCH_ALLOW_INTERNAL_SOURCES", "127.0.0.0/8")
    sys.path.insert(0, str(ROOT))
    from wirewatch.cli import setup

    setup()


def kcna_articles(limit: int) -> list[dict]:
    path = SHARED / "data" / "kcna-en" / "articles.json"
    if not path.exists():
        sys.exit(f"{path} is missing: the benchmarks read the KCNA set in ../shared")
    rows = [r for r in json.loads(path.read_text(encoding="utf-8")) if r.get("story_text")]
    return rows[:limit]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wrk(
    url: str, *, connections: int = 64, seconds: int = 10, threads: int = 2, headers: dict | None = None
) -> dict:
    """Run wrk on loopback, bounded in time; return requests/s and latency percentiles in ms."""
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s", url]
        + [arg for name, value in (headers or {}).items() for arg in ("-H", f"{name}: {value}")],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        **_latencies(out),
        "non_2xx": int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0,
    }


def _latencies(out: str) -> dict:
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    found = {}
    for pct in ("50", "90", "99"):
        m = re.search(rf"\s{pct}%\s+([\d.]+)(us|ms|s)\b", out)
        found[f"p{pct}_ms"] = round(float(m.group(1)) * scale[m.group(2)], 2) if m else None
    return found
