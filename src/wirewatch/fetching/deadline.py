"""An overall deadline per request, including while the server trickles its status line and headers.

httpx's timeouts are per socket operation: a server that sends one byte every few seconds (slowloris) never
trips them. The body loop checks the clock between chunks, but httpx reads the headers inside one call we
cannot interrupt. So a timer shuts the socket down at the deadline; the blocked read then fails at once, and
the caller sees ``expired`` and reports a timeout. The socket comes from httpcore's documented ``trace``
extension ("connection.connect_tcp.complete" carries the new network stream, whose ``get_extra_info("socket")``
is public API); this needs a fresh connection per request, so the client keeps no idle connections.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from typing import Any


class Deadline:
    """Use as ``with Deadline(seconds) as deadline:`` and pass ``extensions={"trace": deadline.trace}``."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expires_at = time.monotonic() + seconds  # for checks between body chunks
        self.expired = False
        self._socket: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        with self._lock:
            self._socket = None

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore trace callback: remember the socket of the connection this request opened."""
        if event == "connection.connect_tcp.complete" and info.get("return_value") is not None:
            with self._lock:
                self._socket = info["return_value"].get_extra_info("socket")
                if self.expired:  # the deadline passed while connecting
                    self._shutdown()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            self._shutdown()

    def _shutdown(self) -> None:
        if self._socket is None:
            return
        with contextlib.suppress(OSError):  # already closed: the request ended on its own
            self._socket.shutdown(socket.SHUT_RDWR)
