"""Discovery: turn a fetched feed, sitemap or listing page into candidate article URLs.

Pure functions over bytes and text; the watcher fetches (politely, with conditional GET), pages, and stores.
"""

from .feeds import parse_feed
from .listings import RULES_BROKEN, parse_listing
from .sitemaps import parse_sitemap
from .sniff import sniff_kind
from .types import Candidate, DiscoveryResult
from .urls import canonicalize_url
from .xmlsafety import UnsafeXML

__all__ = [
    "RULES_BROKEN",
    "Candidate",
    "DiscoveryResult",
    "UnsafeXML",
    "canonicalize_url",
    "parse_feed",
    "parse_listing",
    "parse_sitemap",
    "sniff_kind",
]
