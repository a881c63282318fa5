"""The demo's source sites: fictional outlets served over real HTTP on loopback, publishing as they run.

Each outlet gets its own port (so per-host politeness applies to each separately, as with real sources),
serves robots.txt, paged listings, feeds or a sitemap, and answers conditional GETs. Every
``new_article_every`` seconds one edition, chosen by the seeded generator, publishes a new article at the top of
its listing and feed, so a user watching the demo sees the stream grow.

``http.server`` is enough here: loopback only, a handful of requests a second, and no dependency to add.
"""

from __future__ import annotations

import copy
import hashlib
import random
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from wirewatch.demo import pages
from wirewatch.demo.content import DemoArticle, write_article
from wirewatch.demo.outlets import LAYOUTS, Edition, outlets

PAGE_SIZE = 10
FEED_SIZE = 20
SPACING = timedelta(minutes=47)  # between the initial articles, going back from start


class _Outlet:
    """One outlet's editions and their articles (newest first), and the server that serves them."""

    def __init__(self, name: str, editions: list[Edition]) -> None:
        self.name = name
        self.editions = editions
        self.articles: dict[str, list[DemoArticle]] = {e.key: [] for e in editions}
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        if self.server is None:
            raise RuntimeError("the demo sites are not started: call DemoSites.start() first")
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def snapshot(self, edition: Edition) -> list[DemoArticle]:
        with self.lock:
            return list(self.articles[edition.key])

    def render(self, target: str) -> tuple[int, str, str]:
        """(status, content type, text) for a request target (path and query)."""
        path = urlsplit(target).path
        if path == "/robots.txt":
            return 200, "text/plain; charset=utf-8", pages.robots_txt(self._sitemaps())
        if path in ("/", ""):
            return 200, "text/html; charset=utf-8", pages.index_page(self.editions)
        for edition in self.editions:
            if target.startswith(edition.prefix + "/"):
                return self._render_edition(edition, target)
        return 404, "text/plain; charset=utf-8", "not found\n"

    def _sitemaps(self) -> list[str]:
        return [self.base + e.sitemap_path for e in self.editions if e.sitemap]

    def _render_edition(self, edition: Edition, target: str) -> tuple[int, str, str]:
        html = f"text/html; charset={edition.encoding}"
        parts = urlsplit(target)
        articles = self.snapshot(edition)
        if parts.path in (edition.listing_path, edition.prefix + "/"):
            return self._listing(edition, articles, parts.query, html)
        if edition.feed and parts.path == edition.feed_path:
            return (
                200,
                FEED_TYPES[edition.feed],
                pages.FEEDS[edition.feed](edition, self.base, articles[:FEED_SIZE]),
            )
        if edition.sitemap and parts.path == edition.sitemap_path:
            return 200, "application/xml; charset=utf-8", pages.sitemap(edition, self.base, articles)
        number = edition.article_number(target)
        found = [a for a in articles if a.number == number]
        if not found:
            return 404, "text/plain; charset=utf-8", "not found\n"
        related = [
            (pages.article_url(self.base, edition, a), a.title) for a in articles[:5] if a is not found[0]
        ]
        return 200, html, pages.article_page(edition, found[0], related if edition.titled else ())

    def _listing(
        self, edition: Edition, articles: list[DemoArticle], query: str, html: str
    ) -> tuple[int, str, str]:
        try:
            page = max(1, int(parse_qs(query).get("page", ["1"])[0]))
        except ValueError:
            return 400, "text/plain; charset=utf-8", "bad page number\n"
        chunk = articles[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        if page > 1 and not chunk:
            return 404, "text/plain; charset=utf-8", "no such page\n"
        has_next = len(articles) > page * PAGE_SIZE
        return 200, html, pages.listing_page(edition, chunk, page, has_next)


FEED_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}


def _encode(text: str, content_type: str) -> bytes:
    # Sites that declare EUC-KR really serve Windows code page 949, its superset (as browsers assume, WHATWG
    # Encoding Standard): our Korean text stays within EUC-KR proper, so the bytes are valid either way.
    return text.encode("cp949" if content_type.lower().endswith("euc-kr") else "utf-8")


def _handler(outlet: _Outlet) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "DemoNews/1.0"

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            self._answer(with_body=True)

        def do_HEAD(self) -> None:  # noqa: N802
            self._answer(with_body=False)

        def _answer(self, *, with_body: bool) -> None:
            status, content_type, text = outlet.render(self.path)
            body = _encode(text, content_type)
            etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
            if status == 200 and self.headers.get("If-None-Match") == etag:
                status, body = 304, b""
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if with_body:
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


class DemoSites:
    """Fictional outlets on loopback ports; ``sources()`` gives the add_source() arguments for each edition."""

    def __init__(
        self,
        *,
        seed: int = 7,
        initial_articles: int = 30,
        new_article_every: float = 20.0,
        host: str = "127.0.0.1",
    ) -> None:
        self.seed = seed
        self.new_article_every = new_article_every
        self.host = host
        self._outlets = [_Outlet(name, editions) for name, editions in outlets().items()]
        self._rng = random.Random(seed)
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        now = datetime.now(UTC).replace(microsecond=0)
        for index, (outlet, edition) in enumerate(self._editions()):
            start = now - timedelta(minutes=7 * index)  # editions interleave in the stream
            outlet.articles[edition.key] = [
                self._write(edition, n, start - SPACING * (initial_articles - n))
                for n in range(initial_articles, 0, -1)
            ]

    def _editions(self) -> list[tuple[_Outlet, Edition]]:
        return [(outlet, edition) for outlet in self._outlets for edition in outlet.editions]

    def _write(self, edition: Edition, number: int, published: datetime) -> DemoArticle:
        return write_article(self.seed, edition.key, edition.language, number, published)

    def start(self) -> None:
        """Bind one port per outlet and serve each in a daemon thread; start the publishing clock."""
        for outlet in self._outlets:
            outlet.server = ThreadingHTTPServer((self.host, 0), _handler(outlet))
            outlet.server.daemon_threads = True
            self._spawn(partial(outlet.server.serve_forever, poll_interval=0.05))  # a prompt stop()
        if self.new_article_every > 0:
            self._spawn(self._publish_forever)

    def _spawn(self, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=target, daemon=True, name="wirewatch-demo")
        thread.start()
        self._threads.append(thread)

    def stop(self) -> None:
        self._stopping.set()
        for outlet in self._outlets:
            if outlet.server is not None:
                outlet.server.shutdown()
                outlet.server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    def _publish_forever(self) -> None:
        while not self._stopping.wait(self.new_article_every):
            self.publish()

    def publish(self, outlet: str | None = None, edition: str | None = None) -> DemoArticle:
        """Publish one new article now, at the top of an edition's listing (chosen by the seed if not given)."""
        candidates = [
            (o, e)
            for o, e in self._editions()
            if (outlet is None or o.name == outlet) and (edition is None or e.code == edition)
        ]
        if not candidates:
            raise ValueError(f"no demo edition {outlet!r} ({edition!r})")
        target, chosen = self._rng.choice(candidates)
        with target.lock:
            current = target.articles[chosen.key]
            article = self._write(chosen, current[0].number + 1 if current else 1, datetime.now(UTC))
            current.insert(0, article)
        return article

    def sources(self) -> list[dict]:
        """One dict per edition: keyword arguments for ``sources.services.add_source()``."""
        return [self._source(outlet, edition) for outlet, edition in self._editions()]

    def _source(self, outlet: _Outlet, edition: Edition) -> dict:
        base = outlet.base
        return {
            "name": edition.outlet,
            "edition": edition.code,
            "language": edition.language,
            "timezone": "Asia/Pyongyang",
            "home": base + edition.prefix + "/",
            "feeds": [base + edition.feed_path] if edition.feed else [],
            "listings": [base + edition.listing_path],
            "sitemaps": [base + edition.sitemap_path] if edition.sitemap else [],
            "rules": copy.deepcopy(LAYOUTS[edition.layout].rules),
            "delay": 0.1,
            # poll about as often as the demo publishes, so the stream visibly grows, but never hammer
            "poll_interval": int(max(5, min(60, self.new_article_every or 60))),
        }
