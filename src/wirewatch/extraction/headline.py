"""Headlines: cleaning the page's own, recognising a missing one, and writing a lead-headline when it is missing.

Many KCNA and Naenara pages have no headline, or only the site's name. Our lead-headline is the body's first
sentence when it fits in ``limit`` characters (no ellipsis, no second partial sentence); otherwise the first
sentence cut at a boundary and ended with "…":

* languages written with spaces (English, Russian, Arabic, French...) and Korean, whose words (eojeol) are
  space-separated: at the last space before the limit, never inside a word;
* Chinese and Japanese (no spaces): at a character, preferring a clause mark (，、；：) near the limit, and never
  inside a run of Latin letters or digits ("2018年") or before a combining mark.

Sentence splitting is a small hand-written rule set, not a library: the libraries that do it well (pySBD, NLTK
punkt) cover a few European languages, are heavy, and don't know KCNA's datelines. We only need the first sentence.
"""

from __future__ import annotations

import re
import unicodedata

from .cleaning import END_MARKER, normalise_whitespace, repair_glued_names

ELLIPSIS = "…"
GENERIC_TITLES = frozenset(
    name.casefold()
    for name in (
        "Naenara",
        "내나라",
        "KCNA",
        "KCNA Watch",
        "Korean Central News Agency",
        "조선중앙통신",
        "朝鲜中央通讯社",
        "Rodong Sinmun",
        "로동신문",
        "劳动新闻",
        "Voice of Korea",
        "조선의 소리",
        "Uriminzokkiri",
        "우리민족끼리",
        "Home",
        "News",
        "Article",
        "Untitled",
    )
)
NO_SPACE_LANGUAGES = frozenset({"zh", "ja", "yue", "wuu", "lzh"})
CLAUSE_MARKS = "，、；：,;:"
SENTENCE_END = re.compile(r"[.!?…]+[”’\"'»)\]]*(?=\s|$)|[。！？]+[”’\"'»)\]》」』]*|[؟]+(?=\s|$)")
# fmt: off
ABBREVIATIONS = frozenset([
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "sgt", "st", "no", "nos", "vol", "art", "fig",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "u.s", "u.k", "u.n", "e.g", "i.e", "etc", "vs", "jr", "sr", "co", "inc", "ltd", "corp", "dept", "gov", "rev", "ph.d",
])
# fmt: on
DATE_LABEL = re.compile(r"\[\s*(?:juche\s*|주체\s*)?\d{1,4}\.\d{1,2}\.\d{1,2}\.?\s*\]", re.I)
# "Pyongyang, July 14 (KCNA) --", "Пхеньян, 14 июля /ЦТАК/", "(평양 7월 14일발 조선중앙통신)", "(朝中社平壤7月14日电)"
DATELINES = (
    re.compile(
        r"^[^\n(/\d]{0,50}?\d{1,2}(?!\d)[^\n(/\d]{0,15}?(?:,?\s*\d{4})?\s*"
        # an agency in capitals, "(KCNA)" or "/ЦТАК/", may stand without a dash; a mixed-case one, "(Xinhua)",
        # only with one, so that "On May 7 (Monday) he..." keeps its words
        r"(?:(?:\([A-ZА-Я][A-ZА-Я .-]{1,20}\)|/[^/\n]{1,30}/)\s*(?:-{2,}|—|–|-)?|\([A-ZА-Я][\w .-]{1,20}\)\s*(?:-{2,}|—|–))"
        r"\s*"
    ),
    re.compile(r"^[^\n(/\d]{0,50}?,[^\n(/\d]{0,15}\d{1,2}(?:,?\s*\d{4})?\s*(?:-{2,}|—)\s*"),
    re.compile(r"^\s*[(（【\[][^)）】\]\n]{0,40}\d[^)）】\]\n]{0,40}[)）】\]]\s*"),
)
LEAD_SOURCE_CHARS = 5000  # plenty for the first sentences, and bounded on huge texts
MIN_LEAD = 25  # a first sentence shorter than this ("Dear compatriots!") takes whole following ones that fit


def clean_title(title: str | None) -> tuple[str, str]:
    """(headline without KCNA's date label and extra whitespace, the date label or "")."""
    if not title:
        return "", ""
    label = DATE_LABEL.search(title)
    cleaned = " ".join(DATE_LABEL.sub(" ", title).split())
    return cleaned, label.group(0) if label else ""


def is_missing_title(title: str, site_names: tuple[str, ...] = ()) -> bool:
    """True when ``title`` is no headline: empty, punctuation only, or just the site's (or a generic) name."""
    key = " ".join(title.split()).casefold()
    if not any(ch.isalnum() for ch in key):
        return True
    return key in GENERIC_TITLES or key in {" ".join(name.split()).casefold() for name in site_names if name}


def strip_dateline(text: str) -> str:
    """``text`` without a leading dateline or date label (they say nothing a reader needs in a headline)."""
    for pattern in DATELINES:
        text = pattern.sub("", text, count=1)
    return text


def first_sentences(text: str) -> list[str]:
    """The first sentences of ``text`` (dateline, KCNA's end mark removed), from its first non-empty paragraph,
    and the next one too when the first is very short (a salutation like "동포여러분!")."""
    sentences: list[str] = []
    for paragraph in normalise_whitespace(text[:LEAD_SOURCE_CHARS]).split("\n\n"):
        if not sentences:
            paragraph = strip_dateline(paragraph)
        paragraph = END_MARKER.sub("", paragraph.replace("\n", " ")).strip()
        if any(ch.isalnum() for ch in paragraph):
            sentences.extend(_split(repair_glued_names(paragraph)))
        if sum(map(len, sentences)) >= MIN_LEAD:
            break
    return sentences


def _split(paragraph: str) -> list[str]:
    sentences, start = [], 0
    for match in SENTENCE_END.finditer(paragraph):
        if _is_boundary(paragraph, match):
            sentences.append(paragraph[start : match.end()].strip())
            start = match.end()
    rest = paragraph[start:].strip()
    return [s for s in [*sentences, rest] if s]


def _is_boundary(paragraph: str, match: re.Match[str]) -> bool:
    """A "." ends a sentence unless it ends an abbreviation or initial, or a lower-case word follows."""
    if not match.group(0).startswith("."):
        return True
    following = paragraph[match.end() :].lstrip()[:1]
    if following and following.islower():
        return False
    before = paragraph[max(0, match.start() - 40) : match.start()].split()
    token = (
        before[-1].casefold().lstrip("(\"'“‘")
        if before and not paragraph[match.start() - 1].isspace()
        else ""
    )
    return not (token in ABBREVIATIONS or (len(token) == 1 and token.isalpha()))


def lead_headline(text: str, language: str, limit: int = 125) -> str:
    """A headline made from the first sentence(s) of ``text``, at most ``limit`` characters (see module doc)."""
    sentences = first_sentences(text)
    if not sentences or limit < 2:
        return ""
    lead = sentences[0]
    if len(lead) > limit:
        return _cut(lead, language, limit)
    for sentence in sentences[1:]:
        joined = lead + ("" if _no_spaces(language) else " ") + sentence
        if len(lead) >= MIN_LEAD or len(joined) > limit:
            break
        lead = joined
    return lead


def shorten(text: str, language: str, limit: int) -> str:
    """``text`` itself if it fits in ``limit``, else cut at a boundary as a lead is (for over-long titles)."""
    return text if len(text) <= limit else _cut(text, language, limit)


def _no_spaces(language: str) -> bool:
    return language.split("-")[0].lower() in NO_SPACE_LANGUAGES


def _cut(sentence: str, language: str, limit: int) -> str:
    budget = limit - len(ELLIPSIS)
    if _no_spaces(language) or " " not in sentence[: budget + 1].strip():
        head = _cut_at_character(sentence, budget)
    else:
        head = sentence[: sentence.rfind(" ", 0, budget + 1)]
    head = head.rstrip(" ,;:、，；：،؛-–—(（《「『“‘«\"'")
    return head + ELLIPSIS


def _cut_at_character(sentence: str, budget: int) -> str:
    """Cut a text without spaces: at a clause mark in the last 40% of the budget, else at a safe character."""
    window = sentence[: budget + 1]
    mark = max(window.rfind(ch) for ch in CLAUSE_MARKS)
    if mark >= budget * 0.6:
        return sentence[:mark]
    end = budget
    while end > budget // 2 and _joined(sentence[end - 1], sentence[end]):
        end -= 1
    return sentence[: end if end > budget // 2 else budget]  # one giant "word" (a URL, a hash): hard cut


def _joined(before: str, after: str) -> bool:
    """True when a cut between these two characters would split a unit (a Latin word, a number, a grapheme)."""
    if unicodedata.combining(after) or after in "\u200d\ufe0f\ufe0e" or before == "\u200d":
        return True
    return before.isascii() and after.isascii() and before.isalnum() and after.isalnum()
