"""Listing pages without rules: a source configured with nothing but a listing URL still gets its articles.

No library finds "the article links" of an arbitrary page, so this is a small heuristic of our own: every
link to another page of the same host, outside the page's navigation, header, footer and asides (HTML
Living Standard sectioning: the parts that repeat on every page), less the page itself and the home page.
A pack's ``url_pattern`` narrows it further; real rules replace it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .urls import canonicalize_url

# The standard way to say "next page" (HTML Living Standard, link type "next").
GENERIC_NEXT = "link[rel~=next][href], a[rel~=next][href]"
BOILERPLATE_TAGS = frozenset({"nav", "header", "footer", "aside"})
BOILERPLATE_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary"})


def _in_boilerplate(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None and parent.tag not in ("body", "html"):
        if parent.tag in BOILERPLATE_TAGS or parent.attributes.get("role") in BOILERPLATE_ROLES:
            return True
        parent = parent.parent
    return False


def _is_article_like(href: str, base: str, page: str, host: str) -> bool:
    try:
        url = canonicalize_url(href, base=base)
    except ValueError:
        return False
    parts = urlsplit(url)
    return parts.hostname == host and url != page and (parts.path != "/" or bool(parts.query))


def generic_items(tree: LexborHTMLParser, base: str, page_url: str) -> list[LexborNode]:
    """The links of the page that may be articles, each one its own item."""
    page = canonicalize_url(page_url)
    host = urlsplit(page).hostname
    return [
        node
        for node in tree.css("a[href]")
        if _is_article_like(node.attributes.get("href") or "", base, page, host) and not _in_boilerplate(node)
    ]
