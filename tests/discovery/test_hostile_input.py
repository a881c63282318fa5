"""Bad bytes, malformed markup and odd sizes give a clear error or a safe result, never an exception."""

from __future__ import annotations

import random

from wirewatch.discovery import DiscoveryResult, parse_feed, parse_listing, parse_sitemap, sniff_kind

HOSTILE = [
    b"",
    b"\x00" * 1000,
    b"\xff\xfe\x00\x00" + b"\x00" * 7,
    b"<" * 10_000,
    b"<rss>" + b"<item>" * 20_000,
    b"<urlset>" + b"<url><loc>" * 10_000,
    b"<rss><channel><item><link>http://[::1/x</link><link>http://a:99999/</link></item></channel></rss>",
    b'<?xml version="1.0" encoding="x-unknown-charset"?><rss/>',
    b"\xef\xbb\xbf{" + b'"items": [' * 5000,
    "<rss><channel><item><title>\ud800</title></item></channel></rss>".encode("utf-8", "surrogatepass"),
    b"<a href='" + b"x" * 200_000 + b"'>long</a>",
]


def random_bodies(count: int) -> list[bytes]:
    rng = random.Random(20261127)
    return [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 3000))) for _ in range(count)]


def test_hostile_bodies_never_raise_from_any_parser():
    for body in HOSTILE + random_bodies(25):
        for result in (
            parse_feed(body, url="http://e.com/rss", headers={"Content-Type": "application/rss+xml"}),
            parse_sitemap(body, url="http://e.com/s.xml"),
            parse_listing(
                body.decode("utf-8", "replace"), url="http://e.com/", rules={"item": "li", "link": "a"}
            ),
        ):
            assert isinstance(result, DiscoveryResult)
            assert result.error is None or result.error.strip()
            assert all(c.url.startswith(("http://", "https://")) for c in result.candidates)
        assert sniff_kind(body, "application/octet-stream") in {"feed", "sitemap", "html", "unknown"}


def test_unparseable_links_are_dropped_not_raised():
    body = b"<rss><channel><item><link>http://[::1/x</link></item><item><link>http://ok.example/</link></item></channel></rss>"
    assert [c.url for c in parse_feed(body, url="http://e.com/rss").candidates] == ["http://ok.example/"]
