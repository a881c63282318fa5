"""The shortcuts of the adapter path change no output: each against its straightforward form, on real pages.

Shortcuts (docs/performance.md, "Ingest"): libxml2 parses a page only when the generic fallback needs it or the
page has enough start tags to nest 250 deep (``article.start_tags_bound``); ``repair_glued_names`` runs its two
substitutions only when a leader's name touches a letter; ``meta_date`` skips its eighteen queries when one union
query finds nothing; ``normalise_whitespace`` looks for blank-line runs before substituting them; body fragments are
parsed into plain lxml elements (``fragment_root``, lxml.html's tree without its class lookup); the language
check counts letters in a short prefix first. The long way is
the same code with each shortcut's test forced to "take the long way" (``take_the_long_way``), or, for the helpers, the
straightforward form written out here. Pages: the KCNA texts in the KCNA layout (through its adapter rules, and
with the names left glued in the markup), trafilatura's evaluation pages (generic path, and the KCNA rules falling
back), the Korean texts, and pages nested just below and just above the depth guard.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from html import escape

import pytest
from lxml import etree
from lxml import html as lxml_html
from selectolax.lexbor import LexborHTMLParser

from tests.extraction.accuracy import evaluation_pages
from tests.sites.dprk_layouts import kcna_article_page
from wirewatch.extraction import article, cleaning, language, metadata
from wirewatch.extraction.cleaning import CONTROL, normalise_whitespace, repair_glued_names
from wirewatch.extraction.metadata import DATE_META, _json_ld_dates, _time_element_date, meta_date
from wirewatch.extraction.rules import apply_rules
from wirewatch.sources.packs import pack_layouts

KCNA_PAGES = 600
URL = "http://www.kcna.kp/en/article/q/{:064x}.kcmsf"


def take_the_long_way(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every shortcut's test answers "take the long way": libxml2 parses and measures every page, the name
    substitutions always run, the metadata readers always query."""
    monkeypatch.setattr(article, "start_tags_bound", lambda html: sys.maxsize)
    monkeypatch.setattr(cleaning, "_has_glued_name", lambda text: True)
    monkeypatch.setattr(metadata, "_ANY_DATE_SOURCE", "*")


def kcna_rows(shared_dir) -> list[dict]:
    rows = json.loads((shared_dir / "data/kcna-en/articles.json").read_text(encoding="utf-8"))
    return [row for row in rows if row.get("story_text")]


def korean_texts(shared_dir) -> list[str]:
    paths = sorted((shared_dir / "data/korean").glob("*.txt"))
    assert len(paths) == 50
    return [path.read_text(encoding="utf-8") for path in paths]


def glued_page(title: str, text: str) -> str:
    """The KCNA layout with the scrapes' glued names left as they are (no inline tags to pad them)."""
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in text.splitlines() if line.strip())
    return (
        f"<html><head><title>{escape(title)}</title></head><body><div class='article-main-title'>"
        f"{escape(title)}</div><div class='content-wrapper'>{paragraphs}</div></body></html>"
    )


def nested_page(depth: int) -> str:
    """A KCNA body whose first paragraph sits in ``depth`` nested divs: libxml2's depth cap breaks the body
    selector's match, so the guard's choice shows in the result."""
    return (
        "<html><body><div class='content-wrapper'>"
        + "<div>" * depth
        + "<p>Pyongyang, May 2 (KCNA) -- Deep words.</p>"
        + "</div>" * depth
        + "<p>After the nest.</p></div></body></html>"
    )


def cases(shared_dir) -> list[tuple[str, str, dict]]:
    """(html, url, keyword arguments of extract_article) over the real pages and the depth-guard pages."""
    rules = pack_layouts("dprk")["kcna-2021"]["article"]
    kcna = {"language": "en", "timezone": "Asia/Pyongyang", "rules": rules}
    rows = kcna_rows(shared_dir)[:KCNA_PAGES]
    found = [
        (kcna_article_page(r["headline"], r["story_text"]), URL.format(n), kcna) for n, r in enumerate(rows)
    ]
    found += [
        (glued_page(r["headline"], r["story_text"]), URL.format(n), kcna) for n, r in enumerate(rows[:200])
    ]
    korean = {"language": "ko", "timezone": "Asia/Pyongyang", "rules": rules}
    for n, text in enumerate(korean_texts(shared_dir)):
        title, _, body = text.strip().partition("\n")
        found.append((kcna_article_page(title, body, lang="ko"), URL.format(n), korean))
    for url, html, _ in evaluation_pages(shared_dir / "data/extraction"):
        found += [(html, url, {"language": "en"}), (html, url, kcna)]
    found += [(nested_page(depth), URL.format(depth), kcna) for depth in (230, 240, 245, 250, 260, 400)]
    return found


@pytest.mark.shared
def test_extract_article_gives_the_same_fields_with_and_without_the_shortcuts(shared_dir, monkeypatch):
    pages = cases(shared_dir)
    fast = [article.extract_article(html, url, **kwargs) for html, url, kwargs in pages]
    take_the_long_way(monkeypatch)
    slow = [article.extract_article(html, url, **kwargs) for html, url, kwargs in pages]
    differing = [pages[n][1] for n, (a, b) in enumerate(zip(fast, slow, strict=True)) if a != b]
    print(f"{len(pages)} pages compared, {len(differing)} differ")
    assert len(pages) == KCNA_PAGES + 200 + 50 + 2 * 45 + 6 and not differing
    assert {e.extracted_by for e in fast} == {"rules", "generic"}  # both paths were exercised
    assert sum(e.published_from == "meta" for e in fast) > 10  # and the metadata readers found dates


def libxml2_depth(root: etree._Element) -> int:
    depth = deepest = 0
    for event, _ in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest


CRAFTED = [
    "<!DOCTYPE html>text",
    "<!DOCTYPE html><title>t</title>" + "<div>" * 40,
    "<html>" + "<p><b><i><u>" * 20 + "x",
    "<html>" + "<table><tr><td>" * 20 + "x",
    "<html>" + "<dl><dt><dd>" * 20,
    "<html>" + "<div><html><div>" * 10,
    "<html>" + "<tr><td>x" * 20,
    '<?xml version="1.0"?><html><body>' + "<div>" * 30,
    "<html><body>" + "<div>" * 300 + "x",
    "text<p>a</p><p>b</p>" + "<span>" * 260,
]


@pytest.mark.shared
def test_the_start_tag_count_bounds_the_depth_of_libxml2s_tree(shared_dir):
    """The depth guard trusts ``start_tags_bound(html) + IMPLIED_ELEMENTS`` as a ceiling on libxml2's depth."""
    pages = [html for html, _, _ in cases(shared_dir)] + CRAFTED
    margins = []
    for html in pages:
        root = article._lxml_document(html)
        if root is not None:
            margins.append(libxml2_depth(root) - article.start_tags_bound(html))
    print(f"{len(margins)} pages: libxml2 depth - start tags at most {max(margins)}")
    assert len(margins) > 900
    assert max(margins) <= article.IMPLIED_ELEMENTS


@pytest.mark.parametrize("depth", [230, 240, 241, 245, 246, 250, 260, 1000])
def test_the_depth_guard_gives_lexbor_what_it_gave_before(depth):
    html = nested_page(depth)
    fast = article._tame(html, article._LazyDocument(html))
    assert fast == _tame_without_the_bound(html)
    # html, body, a div and p add four levels: from 246 divs on, lexbor gets libxml2's capped tree
    assert (fast == html) == (depth + 4 < article.LIBXML_MAX_DEPTH)


def _tame_without_the_bound(html: str) -> str:
    """The guard as it was: libxml2 parses every page, its depth decides."""
    root = article._lxml_document(html)
    if root is not None and libxml2_depth(root) >= article.LIBXML_MAX_DEPTH:
        return etree.tostring(root, encoding="unicode", method="html")
    return html


def repair_by_substitution(text: str) -> str:
    """``repair_glued_names`` without its check: both substitutions, always."""
    return cleaning._GLUED_AFTER.sub(r"\1 ", cleaning._GLUED_BEFORE.sub(" ", text))


GLUE_CASES = [
    "ComradeKim Jong Unmet",
    "Kim Jong Un",
    "xKim Il Sung",
    "Kim Il Sungx",
    "Ri Sol Juand",
    "éKim Jong Il",
    "Kim Jong Il²",
    "_Kim Jong Il_",
    "1Kim Jong Il1",
    "Kim Kyong HuiKim Ju Ae",
    "Kim Jong Suk's",
    "Kimilsungia",
    "",
    "Ri ",
    "김정은Kim Jong Un동지",
]


@pytest.mark.shared
def test_repair_glued_names_equals_its_two_substitutions_on_real_texts(shared_dir):
    rows = kcna_rows(shared_dir)
    texts = [row["story_text"] for row in rows] + [row["headline"] for row in rows]
    texts += korean_texts(shared_dir) + GLUE_CASES
    texts += [line for text in texts[:300] for line in text.splitlines()]  # the short pieces text nodes hold
    changed = 0
    for text in texts:
        expected = repair_by_substitution(text)
        assert repair_glued_names(text) == expected, text[:80]
        changed += expected != text
    print(f"{len(texts)} texts, {changed} repaired")
    assert changed > 1000  # the glued scrapes really go through the substitutions


def normalise_by_substitution(text: str) -> str:
    """``normalise_whitespace`` as first written: the blank-line substitution always runs."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(" ".join(line.split()) for line in CONTROL.sub("", text).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


@pytest.mark.shared
def test_normalise_whitespace_equals_its_straightforward_form(shared_dir):
    texts = [row["story_text"] for row in kcna_rows(shared_dir)] + korean_texts(shared_dir)
    texts += ["a\n\n\n\nb", "a\r\n\r\n\r\nb", " \n \n \n ", "a\n \n\t\nb", "a\x0b\n\n\nb", "\n\n\n"]
    assert [normalise_whitespace(t) for t in texts] == [normalise_by_substitution(t) for t in texts]


def meta_date_by_queries(tree: LexborHTMLParser, timezone: str):
    """``meta_date`` without its union query first."""
    for selector in DATE_META:
        for node in tree.css(selector):
            if moment := metadata.parse_date(metadata._value(node), timezone):
                return moment
    for value in _json_ld_dates(tree):
        if moment := metadata.parse_date(value, timezone):
            return moment
    return _time_element_date(tree, timezone)


DATED_HEADS = [
    '<meta name="DC.date" content="2023-05-01">',
    '<script type="application/ld+json">{"datePublished": "2022-02-11"}</script>',
    '<time pubdate datetime="2021-03-04">x</time>',
    '<main><time datetime="2020-06-07">x</time></main>',
    '<span itemprop="datePublished">2019-08-09</span>',
    '<time datetime="2018-10-11">only one</time>',
]


@pytest.mark.shared
def test_meta_date_equals_its_query_by_query_form(shared_dir):
    pages = [html for _, html, _ in evaluation_pages(shared_dir / "data/extraction")]
    pages += [kcna_article_page(r["headline"], r["story_text"]) for r in kcna_rows(shared_dir)[:100]]
    pages += [f"<html><head></head><body>{head}<p>x</p></body></html>" for head in DATED_HEADS]
    found = 0
    for html in pages:
        expected = meta_date_by_queries(LexborHTMLParser(html), "Asia/Pyongyang")
        assert meta_date(LexborHTMLParser(html), "Asia/Pyongyang") == expected
        found += expected is not None
    assert found >= len(DATED_HEADS) + 10


FRAGMENTS = [
    "",
    "   ",
    "plain text",
    "  leading <b>bold</b> trailing",
    "<p>one</p><p>two</p> tail",
    "<!-- a comment --><p>x</p>",
    "<html><body><p>a whole page</p></body></html>",
    "<!DOCTYPE html><p>doctype first</p>",
    "<head><title>t</title></head><p>head in a fragment</p>",
    "<p>Comrade<nobr>Kim Jong Un</nobr>met <span><!-- c -->Kim Il Sung</span>and<b>Kim Jong Il</b></p>",
    "<table><td>cell</table><li>loose item<div>x",
    "<p>&amp; &lt;tag&gt; &nbsp; &#x1F600;</p>",
]


def serialised(root: etree._Element) -> str:
    return etree.tostring(root, method="html", encoding="unicode")


@pytest.mark.shared
def test_fragment_root_builds_lxml_htmls_tree_of_every_fragment(shared_dir):
    """``fragment_root`` against ``lxml.html.fragment_fromstring(create_parent="div")``, before and after
    padding (which reads an element's string value), on real bodies as the rules find them and as sanitised."""
    rules = pack_layouts("dprk")["kcna-2021"]["article"]
    pages = [kcna_article_page(r["headline"], r["story_text"]) for r in kcna_rows(shared_dir)[:300]]
    pages += [glued_page(r["headline"], r["story_text"]) for r in kcna_rows(shared_dir)[300:400]]
    bodies = [apply_rules(LexborHTMLParser(html), rules).body_html for html in pages]
    bodies += [article.finish_body(body, URL)[0] for body in bodies]
    bodies += [html for _, html, _ in evaluation_pages(shared_dir / "data/extraction")]
    for fragment in bodies + FRAGMENTS:
        ours, theirs = (
            cleaning.fragment_root(fragment),
            lxml_html.fragment_fromstring(fragment, create_parent="div"),
        )
        assert serialised(ours) == serialised(theirs), fragment[:80]
        cleaning.pad_word_elements(ours)
        cleaning.pad_word_elements(theirs)
        assert serialised(ours) == serialised(theirs), fragment[:80]


def test_fragment_root_refuses_what_lxml_html_refuses():
    for page in ["<html><frameset><frame></frameset></html>"]:
        with pytest.raises(AssertionError):
            lxml_html.fragment_fromstring(page, create_parent="div")
        with pytest.raises(ValueError):
            cleaning.fragment_root(page)


@pytest.mark.shared
def test_the_letter_count_of_the_language_check_agrees_with_counting_every_letter(shared_dir):
    texts = [row["story_text"] for row in kcna_rows(shared_dir)] + korean_texts(shared_dir)
    texts += [
        "",
        "1" * 5000,
        "a" * 199,
        "a" * 200,
        " " * 399 + "a" * 200,
        "한" * 250,
        "1 a " * 1000,
        "a1" * 200,
    ]
    for text in texts:
        sample = text[: language.SAMPLE_CHARS]
        expected = sum(ch.isalpha() for ch in sample) >= language.MIN_CHARS
        assert language._has_letters(sample, language.MIN_CHARS) == expected, text[:80]


def full_sample_language(text: str, edition_language: str) -> str:
    """``choose_language`` as it was before its first look: the whole sample decides."""
    long_enough = language._has_letters(text[: language.SAMPLE_CHARS], language.MIN_CHARS)
    if not long_enough or not edition_language:
        return edition_language or (language.detect_language(text)[0] if long_enough else "")
    detected, probability = language.detect_language(text)
    edition = language._base(edition_language)
    if detected == edition or probability < language.MIN_PROBABILITY:
        return edition_language
    if any({detected, edition} <= group for group in language.NEIGHBOURS):
        return edition_language
    return detected


@pytest.mark.shared
def test_the_language_checks_first_look_never_changes_a_decision_on_real_texts(shared_dir):
    texts = [row["story_text"] for row in kcna_rows(shared_dir)[:1500]] + korean_texts(shared_dir)
    pages = evaluation_pages(shared_dir / "data" / "extraction")
    texts += [
        LexborHTMLParser(html).body.text(separator="\n") for _, html, _ in pages if "<body" in html.lower()
    ]
    decisions = [(text, edition) for text in texts for edition in ("en", "ko", "fr", "de", "ru", "zh", "ja")]
    chosen = [language.choose_language(text, edition) for text, edition in decisions]
    assert chosen == [full_sample_language(text, edition) for text, edition in decisions]
    overridden = sum(choice != edition for choice, (_, edition) in zip(chosen, decisions, strict=True))
    # The whole sample decided many of them, against the edition
    assert len(decisions) > 10_000 and overridden > 5_000
