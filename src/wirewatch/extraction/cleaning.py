"""Cleaning extracted text: glued leader names, inline tags that stand for word breaks, whitespace, blocks -> text.

KCNA sets leaders' names in their own inline elements (``Comrade<nobr><strong>Kim Jong Un</strong></nobr>met``)
and relies on the element, not a space, to separate them from their neighbours; every text extractor then glues
the words ("ComradeKim Jong Unmet"). Elsewhere an inline element inside a word is normal (``<b>W</b>ord``), so a
general "inline tag = word break" rule would break words. Our rule is narrow, and two-sided:

* in HTML, an element gets spaces around it only when it is a ``nobr`` (its whole purpose is to keep a phrase
  together; nobody wraps part of a word in it) or when its entire text is a known leader's name;
* in text (already extracted, e.g. a feed or an old capture), ``repair_glued_names`` separates the known names
  from letters glued to either side. Names are matched with their spaces ("Kim Il Sung"), so the legitimate
  one-word derivatives ("Kimilsungia", "Kimjongilia", "Kimilsungism") and possessives ("Kim Jong Un's") never match.
"""

from __future__ import annotations

import re
import unicodedata

from lxml import etree

LEADER_NAMES = (
    "Kim Il Sung",
    "Kim Jong Il",
    "Kim Jong Un",
    "Kim Jong Suk",
    "Kim Yo Jong",
    "Kim Ju Ae",
    "Ri Sol Ju",
    "Kim Kyong Hui",
)
_NAMES = "|".join(re.escape(name) for name in sorted(LEADER_NAMES, key=len, reverse=True))
_LETTER = r"[^\W\d_]"
_GLUED_BEFORE = re.compile(rf"(?<={_LETTER})(?=(?:{_NAMES}))")
_GLUED_AFTER = re.compile(rf"({_NAMES})(?={_LETTER})")
_NAME_ONLY = re.compile(rf"\s*(?:{_NAMES})\s*")
_LETTER_AT = re.compile(_LETTER)  # the same notion of letter as the substitutions'
LONGEST_NAME = max(map(len, LEADER_NAMES))
# "Kim " -> the names starting so: one search rules out most of a text's names at once
_NAMES_BY_FIRST_WORD = {
    word: tuple(name for name in LEADER_NAMES if name.startswith(word))
    for word in dict.fromkeys(name.split(" ")[0] + " " for name in LEADER_NAMES)
}
NO_SPACE_SCRIPT = re.compile(
    "[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)
INLINE_TAGS = ("nobr", "strong", "b", "em", "i", "u", "span", "font", "a", "mark", "big", "small")

# fmt: off
BLOCK_TAGS = frozenset([
    "address", "article", "aside", "blockquote", "caption", "dd", "div", "dl", "dt", "figcaption", "figure", "footer",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
])
# fmt: on
# Containers that may hold blocks; a leaf one (text and inline content only) becomes a paragraph.
CONTAINER_TAGS = frozenset(
    ["div", "section", "article", "main", "header", "footer", "aside", "center", "font", "span"]
)
# C0/C1 controls (but tab and newline), BOM, zero-width space and lone surrogates; joiners and direction marks
# stay, as Persian, Arabic and emoji need them.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\u200b\ud800-\udfff]")
END_MARKER = re.compile(r"\s*-0-\s*$")  # KCNA's end-of-story mark: kept in the text, never in a lead
_BLANK_LINES = re.compile(r"\n{3,}")
# libxml2's HTML parser with lxml's defaults: lxml.html's, without its element class lookup (see fragment_root)
_HTML_PARSER = etree.HTMLParser()
# lxml.html's test for "a whole page, not a fragment"
_FULL_DOCUMENT = re.compile(r"^\s*<(?:html|!doctype)", re.I)
_STRING_VALUE = etree.XPath("string()")  # what lxml.html's text_content() evaluates


def repair_glued_names(text: str) -> str:
    """Put back the spaces lost around leaders' names: "ComradeKim Jong Unmet" -> "Comrade Kim Jong Un met"."""
    if not _has_glued_name(text):
        return text  # both substitutions below would find nothing
    text = _GLUED_BEFORE.sub(" ", text)
    return _GLUED_AFTER.sub(r"\1 ", text)


def _has_glued_name(text: str) -> bool:
    """True when some leader's name in ``text`` touches a letter: the only places the two substitutions of
    ``repair_glued_names`` change anything. str.find is a fast C search, where ``_GLUED_BEFORE``, which starts
    with a lookbehind, tries its alternation at every position (most of a KCNA page's cleaning time)."""
    for first_word, names in _NAMES_BY_FIRST_WORD.items():
        if first_word not in text:
            continue
        for name in names:
            start = text.find(name)
            while start != -1:
                end = start + len(name)
                if (start and _LETTER_AT.match(text, start - 1)) or _LETTER_AT.match(text, end):
                    return True
                start = text.find(name, start + 1)
    return False


def normalise_whitespace(text: str) -> str:
    """NFC, no control characters, single spaces inside lines, at most one blank line between paragraphs."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = CONTROL.sub("", text)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    text = "\n".join(lines)
    if "\n\n\n" in text:  # a C substring search; the regex would try every position of the text
        text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


def _spaced_word_char(ch: str) -> bool:
    """A letter or digit of a script written with spaces between words (not Chinese, Japanese or Korean, where
    "김정은동지께서" and "金正恩同志" are written without one and a padding space would be wrong)."""
    return ch.isalnum() and not NO_SPACE_SCRIPT.match(ch)


def fragment_root(fragment: str) -> etree._Element:
    """``fragment`` parsed into a new ``div``: the tree ``lxml.html.fragment_fromstring(fragment,
    create_parent="div")`` builds, of plain lxml elements.

    lxml.html calls back into Python for every element it creates, to pick the element's class (a third of
    parsing a KCNA body); cleaning and the text walk use only tags, attributes, text and tails. Raises ValueError
    where lxml.html's assertions fail (a "fragment" that is a page with no body, or two)."""
    if not _FULL_DOCUMENT.match(fragment):
        fragment = f"<html><body>{fragment}</body></html>"
    document = etree.fromstring(fragment, _HTML_PARSER)
    if document is None:
        raise etree.ParserError("Document is empty")
    bodies = [child for child in document if child.tag == "body"]
    if document.tag != "html" or len(bodies) != 1:
        raise ValueError("not an HTML fragment")
    root = etree.Element("div")
    if bodies[0].text and bodies[0].text.strip():  # lxml.html keeps leading text only if it is not blank
        root.text = bodies[0].text
    root.extend(list(bodies[0]))
    return root


def _pad(element: etree._Element) -> None:
    """Spaces on both sides of ``element`` where a letter or digit would otherwise touch its text."""
    inside = "".join(element.itertext())
    if not inside.strip():
        return
    previous, parent = element.getprevious(), element.getparent()
    if previous is not None:
        before = previous.tail if previous.tail else _STRING_VALUE(previous)
        if _spaced_word_char(before[-1:]) and _spaced_word_char(inside[:1]):
            previous.tail = (previous.tail or "") + " "
    elif (
        parent is not None
        and parent.text
        and _spaced_word_char(parent.text[-1:])
        and _spaced_word_char(inside[:1])
    ):
        parent.text += " "
    if element.tail and _spaced_word_char(element.tail[:1]) and _spaced_word_char(inside[-1:]):
        element.tail = " " + element.tail


def pad_word_elements(root: etree._Element) -> None:
    """Apply the narrow "inline element = word break" rule of this module's docstring, in place."""
    for element in list(root.iter(*INLINE_TAGS)):
        if element.tag == "nobr" or _is_a_name(element):
            _pad(element)


def _is_a_name(element: etree._Element) -> bool:
    """True when the element's whole text is a leader's name (read lazily: inline elements can be huge)."""
    text = ""
    for piece in element.itertext():
        text += piece
        if len(text) > LONGEST_NAME + 4:
            return False
    return bool(_NAME_ONLY.fullmatch(text))


def blockify(root: etree._Element) -> None:
    """Leaf containers (a ``div`` holding only text) become ``p``, so paragraphs survive the sanitiser,
    which keeps ``p`` but drops ``div`` (its allowlist is about safety, not layout)."""
    for element in list(root.iter(*CONTAINER_TAGS)):
        if element is root or element.tag in ("span", "font"):
            continue
        if not any(isinstance(child.tag, str) and child.tag in BLOCK_TAGS for child in element):
            element.tag = "p"
            element.attrib.clear()


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: blocks separated by a blank line, ``br`` a line break, names repaired.

    By hand because lxml's ``text_content()`` runs blocks together and the HTML-to-text libraries (html2text,
    inscriptis) write Markdown or layout; we need exactly "paragraphs separated by a blank line" from the
    sanitised fragment, so that the text and the HTML of a version always say the same thing."""
    if not fragment.strip():
        return ""
    root = fragment_root(fragment)
    etree.strip_tags(root, etree.Comment, etree.ProcessingInstruction)  # keeps their tails
    parts: list[str] = []
    # iterwalk, not recursion: hostile markup can nest deeper than Python's stack
    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag
        if event == "start":
            parts.append("\n\n" if tag in BLOCK_TAGS else "\n" if tag == "br" else "")
            parts.append(element.text or "")
        else:
            parts.append("\n\n" if tag in BLOCK_TAGS else "")
            parts.append(element.tail or "" if element is not root else "")
    return repair_glued_names(normalise_whitespace("".join(parts)))
