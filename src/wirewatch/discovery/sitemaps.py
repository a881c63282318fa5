"""Sitemaps (https://www.sitemaps.org/protocol.html) and Google News sitemaps -> candidate article URLs.

Untrusted XML, so it goes through xmlsafety (defusedxml) first; the parsed tree is then read by local name, as
real sitemaps get their namespace wrong often enough (0.84 vs 0.9, http vs https, none at all).
"""

from __future__ import annotations

import zlib
from xml.etree.ElementTree import Element

from .text import clean_text, iso_to_utc
from .types import Candidate, DiscoveryResult, failed
from .urls import canonicalize_url
from .xmlsafety import UnsafeXML, check_xml

MAX_DECOMPRESSED = 50 * 1024 * 1024  # the protocol's own limit for an uncompressed sitemap
MAX_URLS = 50_000  # the protocol's limit per sitemap and per index
GZIP_MAGIC = b"\x1f\x8b"


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(element: Element, name: str) -> Element | None:
    return next((child for child in element if _local(child.tag) == name), None)


def _text(element: Element | None, name: str) -> str | None:
    found = _child(element, name) if element is not None else None
    return found.text.strip() if found is not None and found.text else None


def gunzip_capped(body: bytes, limit: int = MAX_DECOMPRESSED) -> bytes:
    """Decompress a gzip body, refusing to produce more than ``limit`` bytes (a gzip bomb stops there)."""
    decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        data = decompressor.decompress(body, limit + 1)
    except zlib.error as exc:
        raise ValueError(f"sitemap is not valid gzip: {exc}") from None
    if len(data) > limit:
        raise ValueError(f"sitemap decompresses to more than {limit} bytes; refused")
    if not decompressor.eof:
        raise ValueError("sitemap is not valid gzip: the compressed data is truncated")
    return data


def _url_candidate(element: Element, base: str) -> Candidate | None:
    loc = _text(element, "loc")
    if not loc:
        return None
    try:
        url = canonicalize_url(loc, base=base)
    except ValueError:
        return None
    news = _child(element, "news")
    published = iso_to_utc(_text(news, "publication_date")) or iso_to_utc(_text(element, "lastmod"))
    return Candidate(url=url, published=published, title=clean_text(_text(news, "title")))


def _read_urlset(root: Element, base: str, warnings: list[str]) -> list[Candidate]:
    elements = [child for child in root if _local(child.tag) == "url"]
    if len(elements) > MAX_URLS:
        warnings.append(f"sitemap lists {len(elements)} URLs; only the first {MAX_URLS} were read")
    candidates, seen = [], set()
    for element in elements[:MAX_URLS]:
        candidate = _url_candidate(element, base)
        if candidate is not None and candidate.url not in seen:
            seen.add(candidate.url)
            candidates.append(candidate)
    if len(candidates) < min(len(elements), MAX_URLS):
        warnings.append(f"{min(len(elements), MAX_URLS) - len(candidates)} <url> entries had no usable <loc>")
    return candidates


def _read_index(root: Element, base: str, warnings: list[str]) -> list[str]:
    urls = []
    for element in root:
        if _local(element.tag) != "sitemap":
            continue
        try:
            url = canonicalize_url(_text(element, "loc") or "", base=base)
        except ValueError:
            continue
        if url not in urls:
            urls.append(url)
    if len(urls) > MAX_URLS:
        warnings.append(f"sitemap index lists {len(urls)} sitemaps; only the first {MAX_URLS} were kept")
    return urls[:MAX_URLS]


def _decode_body(body: bytes) -> bytes:
    if body.startswith(GZIP_MAGIC):
        return gunzip_capped(body)
    if len(body) > MAX_DECOMPRESSED:
        raise ValueError(f"sitemap is larger than {MAX_DECOMPRESSED} bytes; refused")
    return body


def parse_sitemap(body: bytes, *, url: str) -> DiscoveryResult:
    """Candidates from a sitemap ``<urlset>``, or child sitemaps (``next_urls``) from a ``<sitemapindex>``."""
    try:
        root = check_xml(_decode_body(body))
    except UnsafeXML as exc:
        return failed(f"sitemap {exc}")
    except ValueError as exc:
        return failed(str(exc))
    if root is None:
        return failed("sitemap is not well-formed XML")
    warnings: list[str] = []
    kind = _local(root.tag)
    if kind == "urlset":
        return DiscoveryResult(_read_urlset(root, url, warnings), [], warnings)
    if kind == "sitemapindex":
        return DiscoveryResult([], _read_index(root, url, warnings), warnings)
    return failed(f"not a sitemap: the root element is <{kind}>, not <urlset> or <sitemapindex>")
