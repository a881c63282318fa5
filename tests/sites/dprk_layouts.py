"""Pages in the layouts the DPRK sources are known to use, built from the documented facts (no copied markup).

What is documented (shared/README.md): KCNA 2021-2025 listing items ``ul.article-link li a`` with the date in
``span.publish-time`` inside the link, article URLs ``/{lang}/article/q/<hex>.kcmsf``, article title
``.article-main-title`` and body ``.content-wrapper p``; leader names in inline tags (scrapes lost the spaces
round them: "ComradeKim Jong Unmet"); the 2026 redesign's URLs ``/en/article/list/<hash>`` and
``/en/article/detail/<hash>``; Rodong Sinmun's old English site at
``index.php?strPageID=SF01_02_01&newsID=YYYY-MM-DD-NNNN`` with header dates "Feb. 11, Juche 111 (2022) Friday".
Everything else here (element names, other classes, the 2026 markup) is our own invention, chosen to be
plausible, and must match the rules in ``sources/packs/dprk.toml`` only where those facts are concerned.

Texts come from the caller (tests read ``shared/data/kcna-en/articles.json`` at run time); nothing is stored.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

JUCHE_OFFSET = 1911
LEADERS = re.compile(r"Kim Jong Un|Kim Il Sung|Kim Jong Il")


@dataclass(frozen=True)
class Item:
    """One listing entry: the href as the page writes it, the headline, and the date label shown."""

    href: str
    title: str
    date_label: str


def juche_label(day: date) -> str:
    """KCNA's list date before late October 2024: "[Juche113.7.14.]"."""
    return f"[Juche{day.year - JUCHE_OFFSET}.{day.month}.{day.day}.]"


def rodong_date_header(day: date) -> str:
    """Rodong Sinmun's old English header date: "Feb. 11, Juche 111 (2022) Friday"."""
    month = day.strftime("%b") + ("" if day.month == 5 else ".")
    return f"{month} {day.day}, Juche {day.year - JUCHE_OFFSET} ({day.year}) {day.strftime('%A')}"


def _page(title: str, body: str, lang: str = "en") -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n<title>{escape(title)}</title>\n'
        f"</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _leader_tags(match: re.Match[str]) -> str:
    """Wrap a leader's name as KCNA does, restoring the spaces that scrapes of those tags lost."""
    text, start, end = match.string, match.start(), match.end()
    before = " " if start and text[start - 1].isalnum() else ""
    after = " " if end < len(text) and text[end].isalnum() else ""
    return f"{before}<nobr><strong>{match.group(0)}</strong></nobr>{after}"


def kcna_paragraphs(text: str) -> str:
    """Article text (one paragraph a line) as KCNA body paragraphs, with leader names in inline tags."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return "\n".join(f"<p>{LEADERS.sub(_leader_tags, escape(line, quote=False))}</p>" for line in lines)


def kcna_listing_page(items: Sequence[Item], *, next_href: str | None = None, lang: str = "en") -> str:
    """A 2021-2025 category page: the date span sits inside each link, after the headline."""
    entries = "\n".join(
        f'<li><a href="{escape(i.href)}">{escape(i.title)}<span class="publish-time">{escape(i.date_label)}</span></a></li>'
        for i in items
    )
    pager = (
        f'<div class="pagination"><a class="next" href="{escape(next_href)}">Next</a></div>'
        if next_href
        else ""
    )
    menu = '<ul class="menu"><li><a href="/en/category/articles.kcmsf">Top News</a></li></ul>'
    return _page("KCNA", f'{menu}\n<ul class="article-link">\n{entries}\n</ul>\n{pager}', lang)


def kcna_article_page(title: str, text: str, *, lang: str = "en") -> str:
    """A 2021-2025 article page: title, body paragraphs, and a photo strip outside the body.

    No date element: where the article page showed its date is not on record (the listing's date is).
    """
    body = (
        f'<div class="article-main-title">{escape(title)}</div>\n'
        f'<div class="content-wrapper">\n{kcna_paragraphs(text)}\n</div>\n'
        '<div class="media-list"><a href="/en/photo/q/1.kcmsf">Photo</a></div>'
    )
    return _page(title, body, lang)


def kcna_2026_list_page(items: Sequence[Item], *, next_href: str | None = None) -> str:
    """The 2026 redesign's list page. Its real markup is unknown: cards of our own invention, same URLs."""
    cards = "\n".join(
        f'<div class="card"><a href="{escape(i.href)}"><h3>{escape(i.title)}</h3></a><time>{escape(i.date_label)}</time></div>'
        for i in items
    )
    pager = f'<nav><a href="{escape(next_href)}" rel="next">Next</a></nav>' if next_href else ""
    return _page("KCNA", f'<main class="news-cards">\n{cards}\n</main>\n{pager}')


def kcna_2026_detail_page(title: str, date_label: str, text: str) -> str:
    """The 2026 redesign's article page (markup invented, see the module docstring)."""
    body = (
        f'<main class="detail">\n<h1>{escape(title)}</h1>\n<p class="meta">{escape(date_label)}</p>\n'
        f'<section class="text">\n{kcna_paragraphs(text)}\n</section>\n</main>'
    )
    return _page(title, body)


def rodong_news_href(day: date, number: int) -> str:
    """The old English site's article link, relative to /en/ as the site wrote it."""
    return f"index.php?strPageID=SF01_02_01&newsID={day.isoformat()}-{number:04d}"


def rodong_listing_page(items: Sequence[Item]) -> str:
    """The old English site's list of the day's articles (a table, as sites of its age were built)."""
    rows = "\n".join(
        f'<tr><td class="title"><a href="{escape(i.href)}">{escape(i.title)}</a></td><td>{escape(i.date_label)}</td></tr>'
        for i in items
    )
    return _page("Rodong Sinmun", f'<table class="list">\n{rows}\n</table>')


def rodong_article_page(title: str, day: date, text: str) -> str:
    """The old English site's article: the header date above the headline, then the text."""
    paragraphs = "\n".join(f"<p>{escape(line)}</p>" for line in text.splitlines() if line.strip())
    body = (
        f'<div class="date">{escape(rodong_date_header(day))}</div>\n<h1>{escape(title)}</h1>\n'
        f'<div class="content">\n{paragraphs}\n</div>'
    )
    return _page(title, body)
