"""URL canonicalisation: one spelling per article, so that identity does not depend on who linked it how.

httpx parses (RFC 3986 with WHATWG leniency), lower-cases scheme and host, IDNA-encodes hosts and removes dot
segments, the same way our fetcher will request the URL. What httpx leaves alone is done here by hand because
no maintained library does exactly this without also sorting the query (w3lib's canonicalize_url sorts it, and
DPRK sites key articles on query parameters whose order we must keep): default ports, fragments, tracking
parameters, and percent-encoding normalisation (RFC 3986 section 6.2.2).
"""

from __future__ import annotations

import re

import httpx

DEFAULT_PORTS = {"http": 80, "https": 443}

# Parameters that only say who sent the reader; never part of an article's identity.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "ref_src",
        "ref_url",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "wickedid",
    }
)
TRACKING_PREFIXES = ("utm_",)

_HOST = re.compile(r"^(\[[0-9a-f:.]+\]|[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?)$")
_ABSOLUTE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def _normalise_escapes(text: str) -> str:
    """Upper-case percent-escapes and decode those of unreserved characters (RFC 3986 6.2.2.1-2)."""

    def fix(match: re.Match[str]) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED else "%" + match.group(1).upper()

    return _ESCAPE.sub(fix, text)


def _is_tracking(pair: str) -> bool:
    name = pair.split("=", 1)[0].lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


def _clean_query(query: str) -> str:
    """Drop tracking and empty parameters; keep every other one as written, in its order."""
    pairs = [pair for pair in query.split("&") if pair and not _is_tracking(pair)]
    return _normalise_escapes("&".join(pairs))


def canonicalize_url(url: str, base: str | None = None) -> str:
    """Resolve ``url`` against ``base`` and return its canonical spelling.

    Raises ValueError for anything that is not an absolute http(s) URL with a host.
    """
    url = url.strip()
    try:
        # An absolute URL needs no join (which parses three URLs); sitemaps hold 50,000 of them.
        parsed = httpx.URL(base).join(url) if base and not _ABSOLUTE.match(url) else httpx.URL(url)
    except (httpx.InvalidURL, TypeError, UnicodeError) as exc:
        raise ValueError(f"not a valid URL: {url!r} ({exc})") from exc
    if parsed.scheme not in DEFAULT_PORTS:
        raise ValueError(f"not an http(s) URL: {url!r}")
    if not parsed.host:
        raise ValueError(f"URL has no host: {url!r}")
    port = parsed.port if parsed.port not in (None, DEFAULT_PORTS[parsed.scheme]) else None
    netloc = parsed.raw_host.decode("ascii").lower()
    if ":" in netloc and not netloc.startswith("["):  # an IPv6 literal keeps its brackets
        netloc = f"[{netloc}]"
    if not _HOST.match(netloc):
        raise ValueError(f"URL has an invalid host: {url!r}")
    if port is not None:
        netloc += f":{port}"
    path = _normalise_escapes(parsed.raw_path.split(b"?", 1)[0].decode("ascii")) or "/"
    query = _clean_query(parsed.query.decode("ascii"))
    return f"{parsed.scheme}://{netloc}{path}" + (f"?{query}" if query else "")
