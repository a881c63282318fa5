"""Reading our pages in tests the way a browser would: parsed, never matched with regular expressions."""

from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node


def parse(response) -> HTMLParser:
    return HTMLParser(response.content.decode("utf-8"))


def text(node: Node | None) -> str:
    """The node's text with runs of whitespace made one space, as a reader sees it."""
    assert node is not None, "expected element is missing"
    return " ".join(node.text(deep=True).split())


def item_ids(tree: HTMLParser, selector: str = "ol.items > li") -> list[int]:
    return [int(li.attributes["data-id"]) for li in tree.css(selector)]
