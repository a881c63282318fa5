"""The shared Korean analyser: one process per host holds kiwi (~300 MB) and answers the others over a Unix
socket (``wirewatch analyser``; korean.py decides who asks it).

The protocol is multiprocessing.connection's length-prefixed messages carrying JSON, never pickle: whoever can
reach the socket can only have text analysed. A request is a JSON list of texts; the answer is, for each text,
its tokens as [form, tag, start] lists, or {"error": "..."} when the request is refused. The socket is created
with mode 0600, so only the deployment's own user reaches it.

Why by hand: no library serves one in-memory model to sibling processes; the pieces (framing, sockets, JSON) are
the standard library's.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from multiprocessing.connection import Client, Connection, Listener
from typing import Any, NamedTuple

from wirewatch.search.korean import local_kiwi, local_tokenize

log = logging.getLogger(__name__)

# Per request: indexing batches are split to stay under both (a text is at most 100,000 characters, analysis.py).
MAX_REQUEST_CHARS = 2_000_000
MAX_REQUEST_TEXTS = 10_000
# JSON is sent ASCII-only: a character is at most 6 bytes (\uXXXX), a text's quotes and comma 3 more. ASCII, not
# UTF-8, because a text may hold a lone surrogate, which UTF-8 cannot encode; kiwi then refuses it on both sides.
MAX_REQUEST_BYTES = 6 * MAX_REQUEST_CHARS + 3 * MAX_REQUEST_TEXTS + 2
# A restarting analyser loads kiwi in about 2 s before it listens: clients wait this long before giving up.
RETRY_SECONDS = 10.0
# kiwi reads ~50,000 characters a second on one core; an answer later than this (a hung analyser) is a failure.
REPLY_BASE_SECONDS = 30.0
REPLY_SECONDS_PER_CHAR = 1 / 10_000
MAX_SOCKET_PATH = 107  # sun_path is 108 bytes on Linux, with its terminating NUL (unix(7))


class Morpheme(NamedTuple):
    """A kiwi token as the analyser sends it: what analysis.py reads of kiwi's own Token."""

    form: str
    tag: str
    start: int


class AnalyserUnavailable(Exception):
    """The shared analyser did not answer within its client's retry time."""


class AnalyserRefused(ValueError):
    """The shared analyser answered with an error: the request or a text was refused, as kiwi here would."""


# Server


def check_socket_path(path: str) -> None:
    """A clear error for a path the analyser cannot listen on, before kiwi takes seconds to load."""
    if len(os.fsencode(path)) > MAX_SOCKET_PATH:
        raise ValueError(f"the analyser's socket path is longer than {MAX_SOCKET_PATH} bytes: {path}")
    if not os.path.isdir(os.path.dirname(os.path.abspath(path))):
        raise ValueError(f"no directory for the analyser's socket: {path}")


def _clear_stale(path: str) -> None:
    """Remove the socket file of an analyser that died without removing it; refuse when one still answers or
    when the path is not a socket (never delete a user's file)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISSOCK(mode):
        raise ValueError(f"{path} exists and is not a socket")
    try:
        Client(path, family="AF_UNIX").close()
    except OSError:
        os.unlink(path)
        return
    raise ValueError(f"an analyser is already answering on {path}")


def serve(path: str) -> None:
    """Load kiwi, then answer on ``path`` until SIGTERM or SIGINT. kiwi is loaded before the socket exists, so a
    client never waits on a half-started analyser (it retries the connection instead)."""
    check_socket_path(path)
    _clear_stale(path)
    local_kiwi()
    previous = os.umask(0o177)  # the socket is born 0600: no moment when others could connect
    try:
        listener = Listener(path, family="AF_UNIX", backlog=64)
    finally:
        os.umask(previous)
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    log.info("Korean analyser answering on %s", path)
    try:
        while True:
            connection = listener.accept()
            threading.Thread(target=_answer_all, args=(connection,), daemon=True).start()
    finally:
        listener.close()  # removes the socket file


def _stop(signum: int, frame: Any) -> None:
    raise SystemExit(0)


def _answer_all(connection: Connection) -> None:
    """One client's requests, in order, until it hangs up. A request that is too big or not a list of texts is
    refused with an error; a too-big one also ends the connection (its bytes were not read)."""
    with connection:
        while True:
            try:
                connection.send_bytes(_answer(connection.recv_bytes(MAX_REQUEST_BYTES)))
            except (EOFError, OSError):  # hung up, or sent too much: that client only
                return


def _answer(request: bytes) -> bytes:
    try:
        texts = json.loads(request)
    except ValueError:
        return _error("the request is not JSON")
    if not isinstance(texts, list) or not all(isinstance(text, str) for text in texts):
        return _error("the request must be a list of texts")
    if sum(map(len, texts)) > MAX_REQUEST_CHARS or len(texts) > MAX_REQUEST_TEXTS:
        return _error(f"more than {MAX_REQUEST_CHARS} characters or {MAX_REQUEST_TEXTS} texts in one request")
    try:
        answer = [
            [(token.form, token.tag, token.start) for token in found] for found in local_tokenize(texts)
        ]
    except Exception as exc:  # kiwi refusing a text must not end the analyser
        log.exception("kiwi failed on a request")
        return _error(f"kiwi failed: {exc}")
    return json.dumps(answer).encode()


def _error(message: str) -> bytes:
    return json.dumps({"error": message}).encode()


def spawn(path: str, capture: bool = False) -> subprocess.Popen:
    """Start ``wirewatch analyser`` on ``path`` in a child process (the demo, benchmarks and tests do). Its
    errors go to our stderr, or to a pipe with ``capture`` (for a short-lived one only: a full pipe blocks it)."""
    command = [sys.executable, "-m", "wirewatch.cli", "analyser", "--socket", path]
    errors = subprocess.PIPE if capture else None
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors, text=True)


def wait_until_answering(path: str, process: subprocess.Popen, limit: float = 60) -> None:
    """Return once the analyser on ``path`` accepts connections; RuntimeError if it exits or takes too long."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the Korean analyser exited: {process.communicate()[1] or 'see its errors'}")
        try:
            Client(path, family="AF_UNIX").close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"no Korean analyser answering on {path} after {limit:.0f} s")


# Client


class SharedAnalyser:
    """A process's connection to the host's analyser: opened on first use, reopened after a fork or a broken
    connection, one request at a time (threads of the process take turns)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._connection: Connection | None = None
        self._pid = 0

    def tokenize(self, texts: Sequence[str], wait: bool = True) -> list[list[Morpheme]]:
        """kiwi's tokens of each text; AnalyserUnavailable when the analyser does not answer within
        RETRY_SECONDS, or at once without ``wait``."""
        found: list[list[Morpheme]] = []
        for batch in _batches(texts):
            found.extend(self._ask(batch, RETRY_SECONDS if wait else 0.0))
        return found

    def _ask(self, texts: list[str], retry_seconds: float) -> list[list[Morpheme]]:
        request = json.dumps(texts).encode()
        timeout = REPLY_BASE_SECONDS + REPLY_SECONDS_PER_CHAR * sum(map(len, texts))
        with self._lock:
            deadline = time.monotonic() + retry_seconds
            while True:
                try:
                    return self._exchange(request, timeout)
                except (OSError, EOFError) as exc:  # refused, reset, timed out: the analyser is (re)starting
                    self._drop()
                    if time.monotonic() >= deadline:
                        raise AnalyserUnavailable(f"the Korean analyser at {self.path}: {exc!r}") from exc
                    time.sleep(0.1)

    def _exchange(self, request: bytes, timeout: float) -> list[list[Morpheme]]:
        connection = self._connect()
        connection.send_bytes(request)
        if not connection.poll(timeout):
            raise TimeoutError(f"no answer within {timeout:.0f} s")
        answer = json.loads(connection.recv_bytes())
        if isinstance(answer, dict):
            raise AnalyserRefused(answer.get("error", "refused"))
        return [[Morpheme(*token) for token in tokens] for tokens in answer]

    def _connect(self) -> Connection:
        if self._connection is None or self._pid != os.getpid():  # a forked child never shares its parent's
            self._connection = Client(self.path, family="AF_UNIX")
            self._pid = os.getpid()
        return self._connection

    def _drop(self) -> None:
        if self._connection is not None and self._pid == os.getpid():
            self._connection.close()
        self._connection = None


def _batches(texts: Sequence[str]) -> Iterator[list[str]]:
    batch: list[str] = []
    size = 0
    for text in texts:
        if batch and (size + len(text) > MAX_REQUEST_CHARS or len(batch) == MAX_REQUEST_TEXTS):
            yield batch
            batch, size = [], 0
        batch.append(text)
        size += len(text)
    if batch:
        yield batch


@functools.cache
def shared_analyser(path: str) -> SharedAnalyser:
    return SharedAnalyser(path)
