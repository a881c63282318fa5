"""The body as HTML that is safe to show on our pages: an nh3 (ammonia) allowlist, links made absolute.

Mirrored HTML is sanitised once, when a version is stored (docs/architecture.md), so this allowlist is the whole
defence against a hostile source: no scripts, styles, frames, objects, SVG or forms; no ``on*`` or ``style``
attributes; only http(s) URLs (no ``javascript:``, no ``data:``); links get ``rel="nofollow noopener noreferrer"``.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

import nh3

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "blockquote",
        "b",
        "strong",
        "i",
        "em",
        "a",
        "img",
        "figure",
        "figcaption",
        "table",
        "caption",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
    }
)
ALLOWED_ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "alt"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
# Removed with everything inside them (the other disallowed tags are unwrapped, keeping their text).
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "object", "embed", "svg", "math", "form", "template"}
)
URL_ATTRIBUTES = {("a", "href"), ("img", "src")}
MAX_HTML_CHARS = 5_000_000  # a body larger than this is not an article; we keep its start


def _url_filter(base_url: str | None) -> Callable[[str, str, str], str | None]:
    """An nh3 attribute filter: make URLs absolute against the page, keep only http(s) ones."""

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if (tag, attribute) not in URL_ATTRIBUTES:
            return value
        url = value.strip()
        if base_url:
            try:
                url = urljoin(base_url, url)
            except ValueError:  # e.g. a malformed IPv6 host
                return None
        scheme = urlsplit(url).scheme.lower() if url else ""
        if scheme in ("http", "https") or (not base_url and not scheme and not url.startswith("//")):
            return url
        return None

    return keep


def sanitise_html(html: str, base_url: str | None = None) -> str:
    """``html`` reduced to the allowlist above; relative links resolved against ``base_url`` when given."""
    if not html:
        return ""
    return nh3.clean(
        html[:MAX_HTML_CHARS],
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_url_filter(base_url),
        url_schemes={"http", "https"},
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    ).strip()
