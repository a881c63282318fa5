"""Telling a feed, a sitemap and an HTML page apart, for sources configured with nothing but a URL.

Content-Type alone is not enough: DPRK and many small sites serve feeds as text/html or text/plain and pages
as application/octet-stream, so the first bytes decide when they are clear, and the header only breaks ties.
"""

from __future__ import annotations

import re

from .jsonfeed import looks_like_json
from .sitemaps import GZIP_MAGIC
from .xmlsafety import markup_view

SNIFF_BYTES = 4096
_FEED_ROOT = re.compile(r"<(?:[\w-]+:)?(?:rss|feed|RDF)\b", re.IGNORECASE)
_SITEMAP_ROOT = re.compile(r"<(?:[\w-]+:)?(?:urlset|sitemapindex)\b", re.IGNORECASE)
_HTML_START = re.compile(r"<!doctype\s+html|<html\b|<head\b|<body\b", re.IGNORECASE)
# Markup that may come before the root element: declarations, comments, processing instructions, DOCTYPEs.
_PROLOG = re.compile(
    r"^(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)*", re.DOTALL | re.IGNORECASE
)

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json")
HTML_TYPES = ("text/html", "application/xhtml+xml")


def _by_content(head: str) -> str | None:
    root = head[_PROLOG.match(head).end() :]
    if _SITEMAP_ROOT.match(root):
        return "sitemap"
    if _FEED_ROOT.match(root):
        return "feed"
    if _HTML_START.match(root) or _HTML_START.search(head[:1024]):
        return "html"
    return None


def _by_type(media_type: str) -> str:
    if media_type in FEED_TYPES or media_type.endswith(("+rss", "/rss")):
        return "feed"
    if media_type in HTML_TYPES:
        return "html"
    return "unknown"


def sniff_kind(body: bytes, content_type: str | None) -> str:
    """Say whether ``body`` is a "feed", a "sitemap", an "html" page or "unknown" (first bytes, then the type)."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if body.startswith(GZIP_MAGIC):  # only sitemaps are served as gzip files of their own
        return "sitemap"
    if looks_like_json(body[:SNIFF_BYTES]):
        is_feed = media_type == "application/feed+json" or b"jsonfeed.org/version" in body[:SNIFF_BYTES]
        return "feed" if is_feed else "unknown"
    return _by_content(markup_view(body[:SNIFF_BYTES])) or _by_type(media_type)
