"""The production server and the one-command demo, run as a user runs them."""

import os
import signal
import socket
import subprocess
import sys
import time

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(tmp_path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "WIREWATCH_DATA_DIR": str(tmp_path)}
    env.pop("WIREWATCH_DB_PATH", None)
    return subprocess.Popen(
        [sys.executable, "-m", "wirewatch.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def wait_until(predicate, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if value := predicate():
                return value
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise AssertionError(f"not true within {seconds} s")


def stop(process: subprocess.Popen) -> tuple[int, str]:
    os.killpg(process.pid, signal.SIGINT)
    try:
        _, err = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        _, err = process.communicate()
    return process.returncode, err


def test_serve_answers_pages_api_and_static_files(tmp_path):
    port = free_port()
    server = start(tmp_path, "serve", "--port", str(port), "--workers", "1")
    base = f"http://127.0.0.1:{port}"
    try:
        home = wait_until(lambda: httpx.get(f"{base}/", timeout=2), 30)
        assert home.status_code == 200 and "Wirewatch" in home.text
        assert httpx.get(f"{base}/api/v1/sources").json() == {"items": []}
        css = httpx.get(f"{base}/static/wirewatch/site.css")
        assert css.status_code == 200 and "text/css" in css.headers["content-type"]
        missing = httpx.get(f"{base}/articles/999999/")
        assert missing.status_code == 404 and "Traceback" not in missing.text
    finally:
        stop(server)


def test_the_demo_watches_its_sites_and_the_stream_grows(tmp_path):
    port = free_port()
    demo = start(tmp_path, "demo", "--port", str(port), "--new-article-every", "1")
    api = f"http://127.0.0.1:{port}/api/v1"
    try:

        def all_sources_have_articles():
            items = httpx.get(f"{api}/sources", timeout=2).json()["items"]
            return items if len(items) >= 7 and all(s["articles"] > 0 for s in items) else None

        sources = wait_until(all_sources_have_articles, 90)
        languages = {s["language"] for s in sources}
        assert {"en", "ko", "zh", "ar"} <= languages
        first = sum(s["articles"] for s in sources)
        grown = wait_until(
            lambda: (
                (n := sum(s["articles"] for s in httpx.get(f"{api}/sources").json()["items"])) > first and n
            ),
            60,
        )
        assert grown > first
        page = httpx.get(f"http://127.0.0.1:{port}/")
        assert page.status_code == 200 and page.text.count('class="item"') >= 20
    finally:
        code, err = stop(demo)
    assert "Traceback" not in err, err[-3000:]
    assert "analysing Korean in this process" not in err  # its one shared analyser answered throughout
