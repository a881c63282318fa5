"""``extracted_html`` is ``trafilatura.extract``'s HTML, to the character, without its fingerprint.

It rebuilds ``extract`` from trafilatura's public ``bare_extraction`` and the HTML writer ``extract`` uses, leaving
out the SimHash that only ``extract``'s metadata header shows. An upgrade of trafilatura that made the two differ
would change every generic source's stored text silently; these tests make it loud.
"""

from __future__ import annotations

import pytest
import trafilatura
from lxml import html as lxml_html

from tests.extraction.accuracy import evaluation_pages
from tests.sites.dprk_layouts import kcna_article_page
from wirewatch.extraction.generic import EXTRACT_OPTIONS, extracted_html

# extract() takes the same options but as_dict
EXTRACT = {key: value for key, value in EXTRACT_OPTIONS.items() if key != "as_dict"}


def _both(html: str, url: str) -> tuple[str | None, str | None]:
    tree = lxml_html.document_fromstring(html)
    return extracted_html(tree, url), trafilatura.extract(tree, url=url, **EXTRACT)


@pytest.mark.shared
def test_extracted_html_equals_trafilatura_extract_on_its_evaluation_pages(shared_dir):
    pages = evaluation_pages(shared_dir / "data/extraction")
    assert len(pages) == 45
    outputs = [_both(html, url) for url, html, _ in pages]
    assert sum(ours is not None for ours, _ in outputs) >= 40  # the comparison is of real extractions
    for (url, _, _), (ours, theirs) in zip(pages, outputs, strict=True):
        assert ours == theirs, url


def test_extracted_html_equals_trafilatura_extract_on_a_news_page_with_links_tables_and_accents():
    text = "\n".join(
        [
            "Cafe\u0301 owners in Pyongyang met on Tuesday to discuss the harvest and its prospects for the year.",
            "The meeting was addressed by officials, who said that the season had been good for most of the farms.",
            "Participants visited the exhibition hall and looked round the new greenhouses built last spring.",
        ]
    )
    page = kcna_article_page("Meeting held", text).replace(
        "</body>", '<table><tr><td>Farm</td><td>Yield</td></tr></table><p><a href="/x">Link</a></p></body>'
    )
    ours, theirs = _both(page, "http://www.kcna.kp/en/article/q/1.kcmsf")
    assert ours is not None and "Caf\u00e9" in ours  # NFC, as extract() returns it
    assert ours == theirs


def test_extracted_html_is_none_where_trafilatura_finds_nothing():
    page = "<html><head><title>Home</title></head><body><div> </div><script>run()</script></body></html>"
    ours, theirs = _both(page, "http://example.test/")
    assert ours is None and theirs is None
