"""Glued leader names (KCNA's inline name tags), whitespace, and the HTML -> text rule for inline elements."""

import json

import pytest

from wirewatch.extraction import repair_glued_names
from wirewatch.extraction.article import finish_body
from wirewatch.extraction.cleaning import LEADER_NAMES, html_to_text

LEGIT_WORDS = ("Kimilsungia", "Kimjongilia", "Kimilsungism", "Kimjongilism", "Kim Jong Un's", "Kim Il Sung's")


def glue_sites(text: str) -> int:
    """Independent count of the places where a letter touches a leader's name (str.find, not the module's regex)."""
    sites = 0
    for name in LEADER_NAMES:
        start = text.find(name)
        while start != -1:
            end = start + len(name)
            sites += start > 0 and text[start - 1].isalpha()
            sites += end < len(text) and text[end].isalpha()
            start = text.find(name, start + 1)
    return sites


@pytest.mark.parametrize(
    ("glued", "repaired"),
    [
        (
            "the respected ComradeKim Jong Unmet the delegation",
            "the respected Comrade Kim Jong Un met the delegation",
        ),
        ("a ceremony atKim Il SungSquare", "a ceremony at Kim Il Sung Square"),
        ("ChairmanKim Jong Illed the way", "Chairman Kim Jong Il led the way"),
        ("PresidentKim Il Sungand", "President Kim Il Sung and"),
        ("the Kim Il SungandKim Jong Il statues", "the Kim Il Sung and Kim Jong Il statues"),
        ("the Kim Jong IlFoundation", "the Kim Jong Il Foundation"),
    ],
)
def test_repair_glued_names_puts_the_spaces_back(glued, repaired):
    assert repair_glued_names(glued) == repaired


@pytest.mark.parametrize(
    "text",
    [
        "Kim Jong Un's speech",
        "a Kimilsungia and Kimjongilia festival",
        "Kimilsungism-Kimjongilism",
        "the Kim Il Sung-Kim Jong Il Foundation",
        "Kim Jong Un, general secretary",
        "Bold word",
    ],
)
def test_repair_glued_names_leaves_legitimate_words_alone(text):
    assert repair_glued_names(text) == text


@pytest.mark.shared
def test_repair_glued_names_clears_every_glued_name_in_the_kcna_english_set(shared_dir):
    rows = json.loads((shared_dir / "data/kcna-en/articles.json").read_text(encoding="utf-8"))
    assert len(rows) == 2111
    texts = [row["story_text"] for row in rows if row["story_text"]]
    assert len(texts) == 1862
    before = sum(glue_sites(text) for text in texts)
    repaired = [repair_glued_names(text) for text in texts]
    print(f"glued name sites: {before} before repair, {sum(map(glue_sites, repaired))} after")
    assert before > 2500  # the data really is glued (2,869 sites)
    assert sum(glue_sites(text) for text in repaired) == 0
    for text, fixed in zip(texts, repaired, strict=True):
        # only spaces were added, exactly one per glued site: nothing else changed, no word was split elsewhere
        assert fixed.replace(" ", "") == text.replace(" ", "")
        assert len(fixed) - len(text) == glue_sites(text)
    for word in LEGIT_WORDS:
        assert sum(t.count(word) for t in repaired) == sum(t.count(word) for t in texts)
    assert sum(t.count("Kimilsungism") for t in texts) > 0
    assert [repair_glued_names(t) for t in repaired] == repaired  # idempotent


def test_names_in_inline_tags_are_not_glued_to_their_neighbours():
    html, text = finish_body(
        "<p>The respected Comrade<nobr><strong>Kim Jong Un</strong></nobr>met them.</p>", None
    )
    assert text == "The respected Comrade Kim Jong Un met them."
    assert "Comrade <strong>Kim Jong Un</strong> met" in html


def test_a_name_in_a_plain_strong_tag_is_padded_too():
    _, text = finish_body("<p>at<strong>Kim Il Sung</strong>Square</p>", None)
    assert text == "at Kim Il Sung Square"


def test_inline_tags_inside_a_word_keep_the_word_whole():
    _, text = finish_body('<p><b>W</b>ord and <font size="5">T</font>he <i>end</i>ing</p>', None)
    assert text == "Word and The ending"


def test_nobr_around_an_ordinary_phrase_is_a_word_break():
    _, text = finish_body("<p>visited<nobr>Pyongyang General Hospital</nobr>today</p>", None)
    assert text == "visited Pyongyang General Hospital today"


@pytest.mark.parametrize("start", ["", "<p>", "<div>"])
def test_escaped_markup_in_the_text_stays_text_wherever_it_stands(start):
    """Text that writes a tag ("&lt;script&gt;") is words about a tag: kept, escaped, in the HTML and the text,
    at the very start of a body (no element around it) as inside one."""
    end = start.replace("<", "</")
    html, text = finish_body(
        f"{start}Write &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;x&lt;/b&gt;{end}<p>y</p>", None
    )
    assert text == "Write <script>alert(1)</script> & <b>x</b>\n\ny"
    assert "Write &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;x&lt;/b&gt;" in html
    assert "<b>" not in html and "<script" not in html


def test_html_to_text_separates_blocks_and_keeps_line_breaks():
    text = html_to_text("<h2>Head</h2><p>One<br>two</p><ul><li>a</li><li>b</li></ul><p>  spaced \t out  </p>")
    assert text == "Head\n\nOne\ntwo\n\na\n\nb\n\nspaced out"


def test_leaf_divs_become_paragraphs_so_their_breaks_survive_sanitising():
    html, text = finish_body("<div class='x'><div>First.</div><div>Second.</div></div>", None)
    assert html.count("<p>") == 2
    assert text == "First.\n\nSecond."


def test_the_kcna_end_marker_stays_in_the_text():
    _, text = finish_body("<p>The work goes on. -0-</p>", None)
    assert text.endswith("goes on. -0-")


def test_a_name_after_an_element_without_tail_text_is_padded_too():
    html, text = finish_body("<p><b>Comrade</b><nobr>Kim Jong Un</nobr>met them.</p>", None)
    assert text == "Comrade Kim Jong Un met them."
    assert "<b>Comrade</b> Kim Jong Un met" in html


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        (
            "<p>경애하는 <nobr>김정은</nobr>동지께서 현지지도하시였다.</p>",
            "경애하는 김정은동지께서 현지지도하시였다.",
        ),
        ("<p>敬爱的<nobr>金正恩</nobr>同志视察了医院。</p>", "敬爱的金正恩同志视察了医院。"),
    ],
)
def test_nobr_padding_never_adds_spaces_inside_korean_or_chinese_words(fragment, expected):
    assert finish_body(fragment, None)[1] == expected
