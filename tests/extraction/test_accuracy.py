"""The adapter path (per-source rules) against trafilatura alone, on pages whose right answer is known.

On KCNA pages (built from the real texts of ../shared/data/kcna-en) the KCNA adapter rules must find the text at
least as well as trafilatura does. On trafilatura's own evaluation pages (../shared/data/extraction), which no
adapter covers, our extraction (rules absent: the generic path, then our cleaning) must score at least what
trafilatura alone scores: the cleaning must never cost accuracy. bench/ingest.py prints the same scores.
"""

import json

import pytest
import trafilatura

from tests.extraction.accuracy import evaluation_pages, snippet_score, text_score
from tests.sites.dprk_layouts import kcna_article_page
from wirewatch.extraction import extract_article
from wirewatch.sources.packs import pack_layouts

KCNA_PAGES = 300


def adapter(html: str, url: str) -> str:
    rules = pack_layouts("dprk")["kcna-2021"]["article"]
    return extract_article(html, url, language="en", timezone="Asia/Pyongyang", rules=rules).text


def ours_without_rules(html: str, url: str) -> str:
    return extract_article(html, url, language="en").text


def trafilatura_alone(html: str, url: str) -> str:
    return trafilatura.extract(html, url=url, include_comments=False, include_tables=True) or ""


def kcna_pages(shared_dir) -> list[tuple[str, str, str]]:
    rows = json.loads((shared_dir / "data/kcna-en/articles.json").read_text(encoding="utf-8"))
    rows = [row for row in rows if row.get("story_text")][:KCNA_PAGES]
    return [
        (row["link"], kcna_article_page(row["headline"], row["story_text"]), row["story_text"])
        for row in rows
    ]


@pytest.mark.shared
def test_the_kcna_adapter_extracts_real_kcna_texts_at_least_as_accurately_as_trafilatura(shared_dir):
    pages = kcna_pages(shared_dir)
    rules, generic = text_score(pages, adapter), text_score(pages, trafilatura_alone)
    print(f"KCNA pages: adapter F1 {rules.f1:.4f} ({rules.exact} exact), trafilatura {generic.f1:.4f} "
          f"({generic.exact} exact) of {rules.pages}")  # fmt: skip
    assert rules.pages == KCNA_PAGES
    assert rules.f1 >= generic.f1 and rules.exact >= generic.exact
    assert rules.f1 > 0.98  # the known texts are scrapes with glued names, which our cleaning splits


@pytest.mark.shared
def test_our_extraction_scores_at_least_trafilatura_alone_on_its_evaluation_pages(shared_dir):
    pages = evaluation_pages(shared_dir / "data/extraction")
    ours, alone = snippet_score(pages, ours_without_rules), snippet_score(pages, trafilatura_alone)
    print(f"evaluation pages: ours {ours.share:.3f} ({ours.whole_pages}/{ours.pages} whole), "
          f"trafilatura alone {alone.share:.3f} ({alone.whole_pages}/{alone.pages} whole)")  # fmt: skip
    assert ours.pages == alone.pages == 45
    assert ours.share >= alone.share
