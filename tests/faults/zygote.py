"""A watcher factory for kill -9 tests: Django is loaded once, then each watcher is a forked child process.

Starting ``wirewatch watch`` costs a second of imports; forking a loaded parent costs milliseconds, so a test
can kill 50 watchers in well under a minute. Each child is a whole watcher process (own connection, own WARC
writer, own threads) and dies by SIGKILL with no cleanup, exactly like a killed ``wirewatch watch``.

Protocol on stdin/stdout, one line each: ``fork`` -> the child's pid; ``reap PID`` -> its wait status.
"""

from __future__ import annotations

import os
import sys


def child(tick: float) -> None:
    from wirewatch.watch.loop import Watcher

    Watcher(tick=tick).run()
    os._exit(0)


def warm_up() -> None:
    """Pay the lazy imports and first-use costs once, in the parent, so each child works from its first tick."""
    from tests.faults.publisher import story
    from wirewatch.extraction.article import extract_article
    from wirewatch.search.analysis import index_document
    from wirewatch.watch import loop, pipeline  # noqa: F401

    extracted = extract_article(story(1).html(), "http://127.0.0.1/news/1.html", language="en")
    index_document(extracted.title, extracted.text)


def main() -> None:
    from django.db import connections

    from wirewatch.cli import setup

    setup()
    warm_up()
    connections.close_all()  # a connection must never be shared across fork
    tick = float(sys.argv[1]) if len(sys.argv) > 1 else 0.1
    for line in sys.stdin:
        command, _, argument = line.strip().partition(" ")
        if command == "fork":
            pid = os.fork()
            if pid == 0:
                child(tick)
            print(pid, flush=True)
        elif command == "reap":
            print(os.waitpid(int(argument), 0)[1], flush=True)


if __name__ == "__main__":
    main()
