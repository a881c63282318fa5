"""The generic extractor, for sources without rules or whose rules stopped matching: trafilatura.

trafilatura is the best-scoring maintained main-content extractor in published comparisons (its own evaluation
data is in ../shared/data/extraction). We hand it an lxml tree that we have already prepared (names padded, see
``cleaning``), ask for HTML so that paragraphs, lists and quotes survive, and take title, author and site
name from its metadata reader (which splits "Headline | Site" titles and reads bylines).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import trafilatura
from lxml import html as lxml_html
from trafilatura.htmlprocessing import build_html_output

# No images: with them trafilatura keeps caption and related-story blocks around pictures, and scores lower on its
# own evaluation pages (0.922 of the snippet checks against 0.941 without, tests/extraction/test_accuracy.py).
EXTRACT_OPTIONS = {
    "output_format": "html",
    "as_dict": False,
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": True,
    "deduplicate": False,
}


@dataclass(frozen=True)
class GenericResult:
    title: str
    body_html: str
    byline: str
    site_name: str


def _body_of(document_html: str | None) -> str:
    """The inside of trafilatura's ``<html><body>...</body></html>`` output."""
    if not document_html:
        return ""
    root = lxml_html.document_fromstring(document_html)
    body = root.find("body")
    if body is None:
        return ""
    parts = [body.text or ""] + [lxml_html.tostring(child, encoding="unicode") for child in body]
    return "".join(parts)


def extracted_html(tree: lxml_html.HtmlElement, url: str | None) -> str | None:
    """What ``trafilatura.extract`` returns with these options (but ``as_dict``), less its unused fingerprint.

    ``extract`` is ``bare_extraction`` plus the output string, plus, for HTML output, a SimHash of the text that
    only its metadata header shows (``content_fingerprint``): an eighth of our generic path's time, for a value
    we never read. So the same two steps here, without it (NFC as ``extract`` normalises);
    tests/extraction/test_generic_output.py checks the result equals ``extract``'s on real pages."""
    document = trafilatura.bare_extraction(tree, url=url, **EXTRACT_OPTIONS)
    if document is None:
        return None
    return unicodedata.normalize("NFC", build_html_output(document))


def generic_extract(tree: lxml_html.HtmlElement, url: str | None) -> GenericResult:
    """Main content and metadata of a prepared page tree (trafilatura copies the tree; ours is untouched)."""
    document_html = extracted_html(tree, url)
    metadata = trafilatura.extract_metadata(tree, default_url=url, extensive=False)
    return GenericResult(
        title=(metadata.title or "") if metadata else "",
        body_html=_body_of(document_html),
        byline=(metadata.author or "") if metadata else "",
        site_name=(metadata.sitename or "") if metadata else "",
    )
