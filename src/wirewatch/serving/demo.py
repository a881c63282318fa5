"""``wirewatch demo``: demo source sites, the watcher and the web UI in one command, all on loopback."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator

from django.conf import settings
from django.utils import timezone

from wirewatch.search.analyser import spawn, wait_until_answering
from wirewatch.serving.server import start_server
from wirewatch.sources.models import Source
from wirewatch.sources.services import add_sources
from wirewatch.watch.loop import Watcher

log = logging.getLogger(__name__)


def register_demo_sources(definitions: list[dict]) -> list[Source]:
    """(Re)register the demo's sources at this run's ports, due for a poll right away."""
    sources = add_sources(definitions, pack="demo")
    Source.objects.filter(pk__in=[s.pk for s in sources]).update(next_poll_at=timezone.now())
    return sources


def run_demo(host: str = "127.0.0.1", port: int = 8000, new_article_every: float = 20.0) -> int:
    # The demo's sources are on loopback, which the SSRF guard refuses unless allowed (fetching/guard.py).
    settings.WIREWATCH_ALLOW_INTERNAL_SOURCES = [*settings.WIREWATCH_ALLOW_INTERNAL_SOURCES, "127.0.0.1/32"]
    with korean_analyser():
        return _run(host, port, new_article_every)


@contextlib.contextmanager
def korean_analyser() -> Iterator[None]:
    """One Korean analyser for the demo's watcher and web server, as a deployment runs one per host
    (search/analyser.py): kiwi's ~300 MB once, not in each. Unless one is configured already."""
    if settings.WIREWATCH_KOREAN_ANALYSER:
        yield
        return
    folder = tempfile.mkdtemp(prefix="wirewatch-")  # short: a socket path has at most 107 bytes
    path = os.path.join(folder, "kiwi.sock")
    process = spawn(path)
    try:
        _use_analyser(path, process)
        yield
    finally:
        settings.WIREWATCH_KOREAN_ANALYSER = ""
        os.environ.pop("WIREWATCH_KOREAN_ANALYSER", None)
        stop_process(process)
        shutil.rmtree(folder, ignore_errors=True)


def _use_analyser(path: str, process: subprocess.Popen) -> None:
    try:
        wait_until_answering(path, process)  # ~2 s; else the first Korean articles would wait on it
    except RuntimeError as exc:
        log.warning("%s: the demo analyses Korean in each process", exc)
        return
    settings.WIREWATCH_KOREAN_ANALYSER = path  # for the watcher, in this process
    os.environ["WIREWATCH_KOREAN_ANALYSER"] = path  # for the web server, its child


def _run(host: str, port: int, new_article_every: float) -> int:
    from wirewatch.demo.sites import DemoSites

    sites = DemoSites(new_article_every=new_article_every)
    sites.start()
    sources = register_demo_sources(sites.sources())
    watcher = Watcher()
    thread = threading.Thread(target=watcher.run, name="watcher", daemon=True)
    thread.start()
    server = start_server(host, port, workers=1)
    print(f"Wirewatch demo: {len(sources)} demo sources are being watched.")
    print(f"Open http://{host}:{port}/ — new articles appear every {new_article_every:g} s. Ctrl-C stops.")
    try:
        while server.poll() is None:
            time.sleep(0.5)
        return server.returncode or 1
    except KeyboardInterrupt:
        return 0
    finally:
        watcher.stop.set()
        stop_process(server)
        thread.join(timeout=10)
        sites.stop()


def stop_process(process: subprocess.Popen, grace: float = 10.0) -> None:
    """Ask the server to stop; kill it if it has not within ``grace`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
