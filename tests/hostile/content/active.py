"""Finding active markup by parsing what we render as a browser would (html5lib implements the WHATWG parsing
algorithm, so mutation tricks parse here as they would in a browser), never by regex on the text.

Active: a script that is not one of our own files, an ``on*`` attribute, a javascript:/vbscript:/data:
URL in any URL-carrying attribute, a style with expression() or a javascript: url(), a meta refresh, a base
element, a frame with srcdoc, object/embed/applet. What the browser would run or navigate to by itself.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree

import html5lib

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "lowsrc",
                  "dynsrc", "codebase", "cite", "longdesc", "usemap", "srcset", "ping", "{http://www.w3.org/1999/xlink}href"}  # fmt: skip
BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:")
ALWAYS_ACTIVE = {"object", "embed", "applet", "base", "frame", "frameset", "isindex"}
# Browsers ignore ASCII whitespace and control characters inside a URL's scheme (WHATWG URL "remove all ASCII
# tab or newline", leading C0 control or space stripped): compare without them.
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20]+")


def _bad_url(value: str) -> bool:
    squashed = _IGNORED_IN_SCHEME.sub("", value).lower()
    return squashed.startswith(BAD_SCHEMES)


def _bad_style(value: str) -> bool:
    squashed = _IGNORED_IN_SCHEME.sub("", value).lower().replace("\\", "")
    return "expression(" in squashed or "javascript:" in squashed or "vbscript:" in squashed


def _same_origin(src: str) -> bool:
    """A script file of ours (CSP script-src 'self' allows exactly these): a path, not "//host" or a URL."""
    return src.startswith("/") and not src.startswith("//") and "\\" not in src


def _element_problems(element) -> list[str]:
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    tag = tag.rsplit("}", 1)[-1]
    found = []
    if tag == "script" and not _same_origin(element.get("src") or ""):
        found.append(f"script element {ElementTree.tostring(element)[:80]!r}")
    if tag in ALWAYS_ACTIVE:
        found.append(f"<{tag}> element")
    if tag == "meta" and (element.get("http-equiv") or "").lower() == "refresh":
        found.append("meta refresh")
    if tag == "iframe" and element.get("srcdoc") is not None:
        found.append("iframe srcdoc")
    if tag == "style" and _bad_style(element.text or ""):
        found.append("style element with script")
    for name, value in element.attrib.items():
        lowered = name.lower()
        if lowered.startswith("on"):
            found.append(f"<{tag} {name}=...> event handler")
        elif lowered in URL_ATTRIBUTES and _bad_url(value):
            found.append(f"<{tag} {name}={value[:40]!r}>")
        elif lowered == "style" and _bad_style(value):
            found.append(f"<{tag} style={value[:40]!r}>")
    return found


def active_markup(html: str | bytes) -> list[str]:
    """Every piece of active markup in an HTML document or fragment; [] when it is inert."""
    # scripting=True: parse <noscript> as a browser with JavaScript on does (its content is raw text there).
    parser = html5lib.HTMLParser(tree=html5lib.getTreeBuilder("etree"), namespaceHTMLElements=False)
    root = parser.parse(html, scripting=True)
    found = []
    for element in root.iter():
        if isinstance(element.tag, str):
            found += _element_problems(element)
    return found
