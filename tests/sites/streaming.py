"""A loopback server for bodies LocalSite cannot serve: endless, trickled, or with a lying Content-Length.

LocalSite builds each body in memory and sets Content-Length itself; hostile servers do neither. Each route
here is a generator of chunks, sent as they are produced (chunked, unless a Content-Length is given), and the
server counts how many bytes it managed to send before the client hung up.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Stream:
    chunks: Callable[[], Iterator[bytes]]
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    content_length: int | None = None  # None: Transfer-Encoding: chunked
    header_delay: float = 0.0  # wait this long before sending the status line
    header_trickle: float = 0.0  # if set, send the status line, then one header byte this often, forever


def endless(chunk: bytes = b"x" * 65536) -> Callable[[], Iterator[bytes]]:
    def chunks() -> Iterator[bytes]:
        while True:
            yield chunk

    return chunks


def trickle(every: float, byte: bytes = b".") -> Callable[[], Iterator[bytes]]:
    def chunks() -> Iterator[bytes]:
        while True:
            time.sleep(every)
            yield byte

    return chunks


class StreamingSite:
    def __init__(self) -> None:
        self.routes: dict[str, Stream] = {}
        self.sent: dict[str, int] = {}
        self.done = threading.Event()  # set when a handler stops sending (client gone or body complete)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{path}"

    def start(self) -> StreamingSite:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _respond(self, handler: BaseHTTPRequestHandler) -> None:
        stream = self.routes.get(handler.path)
        if stream is None:
            handler.send_error(404)
            return
        time.sleep(stream.header_delay)
        if stream.header_trickle:
            self._trickle_headers(handler, stream.header_trickle)
            return
        handler.send_response(200)
        for name, value in stream.headers.items():
            handler.send_header(name, value)
        chunked = stream.content_length is None
        handler.send_header(
            *(("Transfer-Encoding", "chunked") if chunked else ("Content-Length", str(stream.content_length)))
        )
        handler.end_headers()
        self.sent[handler.path] = 0
        try:
            for chunk in stream.chunks():
                handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
                handler.wfile.flush()
                self.sent[handler.path] += len(chunk)
            if chunked:
                handler.wfile.write(b"0\r\n\r\n")
        except OSError:  # the client hung up: what we want to see
            pass
        finally:
            handler.close_connection = True
            self.done.set()

    def _trickle_headers(self, handler: BaseHTTPRequestHandler, every: float) -> None:
        try:
            handler.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            while True:
                handler.wfile.write(b"a")
                handler.wfile.flush()
                time.sleep(every)
        except OSError:
            pass
        finally:
            handler.close_connection = True
            self.done.set()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                site._respond(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler
