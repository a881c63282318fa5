"""Per-source article rules: declarative CSS selectors, applied with selectolax (lexbor).

A source's pack gives, for its article pages, a dict (every key optional)::

    {
        "title": ".article-main-title",          # the headline element (its text)
        "body": ".content-wrapper p",            # the body container(s), or the body's paragraphs
        "date": "span.publish-time",             # the date element: its datetime/content attribute, else its text
        "byline": ".author",                     # the author element (its text)
        "remove": [".share", "figure.ad"],       # removed from the page before anything else is read
    }

When ``body`` matches nested elements (a container and its own paragraphs), only the outermost ones are kept, so
no text is taken twice. Rules that find no body (the site was redesigned) make extraction fall back to the generic
extractor and report ``rules_matched=False``, which source health turns into "rules stopped matching".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

log = logging.getLogger(__name__)

RULE_KEYS = frozenset({"title", "body", "date", "byline", "remove"})


class RulesError(ValueError):
    """Article rules that are not of the documented shape, or hold a selector lexbor cannot parse."""


@dataclass(frozen=True)
class RulesResult:
    title: str
    body_html: str  # the matched elements' outer HTML, not yet cleaned or sanitised
    date_text: str
    byline: str


def validate_rules(rules: object) -> dict:
    """``rules`` if it has the documented shape and every selector parses; else RulesError saying what is wrong."""
    if not isinstance(rules, dict):
        raise RulesError(f"article rules must be a dict, not {type(rules).__name__}")
    unknown = set(rules) - RULE_KEYS
    if unknown:
        raise RulesError(f"unknown article rule keys: {sorted(unknown)} (known: {sorted(RULE_KEYS)})")
    selectors = [rules[key] for key in RULE_KEYS - {"remove"} if rules.get(key) is not None]
    removals = rules.get("remove") or []
    if not isinstance(removals, list):
        raise RulesError('"remove" must be a list of CSS selectors')
    probe = LexborHTMLParser("<p></p>")
    for selector in [*selectors, *removals]:
        if not isinstance(selector, str) or not selector.strip():
            raise RulesError(f"a selector must be a non-empty string, not {selector!r}")
        try:
            probe.css(selector)
        except SelectolaxError as error:
            raise RulesError(f"bad CSS selector {selector!r}: {error}") from error
    return rules


def _text(tree: LexborHTMLParser, selector: str | None) -> str:
    if not selector:
        return ""
    node = tree.css_first(selector)
    return " ".join((node.text(deep=True, separator=" ") or "").split()) if node is not None else ""


def _date_text(tree: LexborHTMLParser, selector: str | None) -> str:
    if not selector or (node := tree.css_first(selector)) is None:
        return ""
    attrs = node.attributes
    return (attrs.get("datetime") or attrs.get("content") or node.text(deep=True) or "").strip()


def _outermost(nodes: list[LexborNode]) -> list[LexborNode]:
    """Drop every matched node that sits inside another matched node."""
    matched = {node.mem_id for node in nodes}
    kept = []
    for node in nodes:
        parent, inside = node.parent, False
        while parent is not None and not inside:
            inside = parent.mem_id in matched
            parent = parent.parent
        if not inside:
            kept.append(node)
    return kept


_VALIDATED: set[str] = set()  # repr() of rules that passed validate_rules (repr tells a tuple from a list)


def _validate_once(rules: object) -> None:
    """validate_rules, remembered per distinct rules: parsing every selector again cost a few per cent of an
    adapter-path extraction (docs/performance.md)."""
    key = repr(rules)
    if key in _VALIDATED:
        return
    validate_rules(rules)
    if len(_VALIDATED) >= 1024:  # bounded: rules come from a few hundred sources at most
        _VALIDATED.clear()
    _VALIDATED.add(key)


def apply_rules(tree: LexborHTMLParser, rules: dict) -> RulesResult:
    """Read one article page with ``rules`` (validated first). ``tree`` is changed: ``remove`` takes nodes out."""
    _validate_once(rules)
    for selector in rules.get("remove") or []:
        for node in tree.css(selector):
            node.decompose()
    body_nodes = _outermost(tree.css(rules["body"])) if rules.get("body") else []
    body_nodes = [node for node in body_nodes if (node.text(deep=True) or "").strip()]
    return RulesResult(
        title=_text(tree, rules.get("title")),
        body_html="\n".join(node.html or "" for node in body_nodes),
        date_text=_date_text(tree, rules.get("date")),
        byline=_text(tree, rules.get("byline")),
    )
