"""sniff_kind: feed, sitemap or HTML page, from the first bytes, then the Content-Type."""

from __future__ import annotations

import gzip

import pytest

from wirewatch.discovery import sniff_kind

RSS = b'<?xml version="1.0" encoding="utf-8"?>\n<!-- generator -->\n<rss version="2.0"><channel/></rss>'
ATOM = b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>'
RDF = b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>'
SITEMAP = b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>'
INDEX = b'<?xml version="1.0"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>'
HTML = b"<!DOCTYPE html>\n<html lang='ko'><head><title>x</title></head><body></body></html>"
JSON_FEED = b'{"version": "https://jsonfeed.org/version/1.1", "title": "x", "items": []}'


@pytest.mark.parametrize(
    ("body", "content_type", "kind"),
    [
        (RSS, "application/rss+xml", "feed"),
        (RSS, "text/html; charset=utf-8", "feed"),  # mislabelled, as DPRK sites do
        (ATOM, "text/plain", "feed"),
        (RDF, None, "feed"),
        (SITEMAP, "text/xml", "sitemap"),
        (INDEX, "application/xml", "sitemap"),
        (gzip.compress(SITEMAP), "application/octet-stream", "sitemap"),
        (HTML, "text/html", "html"),
        (HTML, "application/octet-stream", "html"),
        (b"\n\n  <html><body>hi", None, "html"),
        (JSON_FEED, "application/json", "feed"),
        (b'{"items": []}', "application/feed+json", "feed"),
        (b'{"error": "not found"}', "application/json", "unknown"),
        (b"\x00\x01binary", "application/octet-stream", "unknown"),
        (b"", None, "unknown"),
        (b"plain words", "application/atom+xml", "feed"),  # nothing in the body: the header decides
        (b"plain words", "text/html", "html"),
    ],
)
def test_sniff_kind_tells_feeds_sitemaps_and_pages_apart(body, content_type, kind):
    assert sniff_kind(body, content_type) == kind


def test_sniff_kind_reads_utf16_feeds():
    assert (
        sniff_kind('\ufeff<?xml version="1.0" encoding="utf-16"?><rss/>'.encode("utf-16-le"), None) == "feed"
    )


def test_sniff_kind_skips_a_long_comment_before_the_root():
    body = b'<?xml version="1.0"?><!--' + b"x" * 2000 + b"--><urlset/>"
    assert sniff_kind(body, None) == "sitemap"
