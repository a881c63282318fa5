"""A Redis that hangs: a TCP server on loopback that accepts connections and never answers a byte.

That is what a client sees of a blackholed host whose connections still open (a proxy or a stuck server),
or of a network partition after the connection was made: reads wait for ever unless the client gives up.
``connect_hangs()`` makes the connection itself hang instead (SYNs dropped, as a firewall's DROP does): a
listener that never accepts, its accept queue filled, so the kernel ignores further SYNs.
"""

from __future__ import annotations

import socket
import threading


class Blackhole:
    """Accepts every connection and keeps it open, unanswered (closing it would look like a refusal)."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="blackhole", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted.append(connection)  # read nothing, answer nothing

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.listener.close()
        for connection in self.accepted:
            connection.close()


class ConnectHangs:
    """A listener that never accepts, with its accept queue full: a new connection's SYN gets no answer."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=0)
        self.port = self.listener.getsockname()[1]
        self.fillers: list[socket.socket] = []
        self.full = False
        for _ in range(8):  # Linux queues backlog + 1 connections; then it drops SYNs
            filler = socket.socket()
            filler.settimeout(0.5)
            self.fillers.append(filler)
            try:
                filler.connect(("127.0.0.1", self.port))
            except TimeoutError:
                self.full = True
                break

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def close(self) -> None:
        for filler in self.fillers:
            filler.close()
        self.listener.close()
