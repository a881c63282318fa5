"""Feeds with more items than we read: the extra ones are cut out before feedparser, in every feed format, and
what remains is the feed's first 10,000 items, well-formed."""

import pytest

from wirewatch.discovery import parse_feed
from wirewatch.discovery.jsonfeed import MAX_ITEMS

COUNT = MAX_ITEMS + 2_000
FORMATS = {
    "rss2": ("<rss version='2.0'><channel><title>T</title>", "<item><link>http://e.com/a/{n}</link></item>",
             "</channel></rss>"),
    "atom": ("<feed xmlns='http://www.w3.org/2005/Atom'><title>T</title>",
             "<entry><id>u{n}</id><title>t</title><link href='http://e.com/a/{n}'/></entry>", "</feed>"),
    "rdf": ("<rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#' xmlns='http://purl.org/rss/1.0/'>"
            "<channel rdf:about='http://e.com/'><title>T</title><items><rdf:Seq/></items></channel>",
            "<item rdf:about='http://e.com/a/{n}'><title>t</title><link>http://e.com/a/{n}</link></item>",
            "</rdf:RDF>"),
    "prefixed atom": ("<a:feed xmlns:a='http://www.w3.org/2005/Atom'><a:title>T</a:title>",
                      "<a:entry><a:id>u{n}</a:id><a:link href='http://e.com/a/{n}'/></a:entry>", "</a:feed>"),
}  # fmt: skip


@pytest.mark.parametrize("kind", ["rdf", "prefixed atom"])  # RSS 2.0: test_watcher_survives.py
def test_items_past_the_cap_are_cut_before_parsing_in_every_format(kind):
    head, item, tail = FORMATS[kind]
    body = ("<?xml version='1.0'?>" + head + "".join(item.format(n=n) for n in range(COUNT)) + tail).encode()
    result = parse_feed(body, url="http://e.com/feed")  # the time bound: test_watcher_survives.py
    assert result.error is None
    assert [c.url for c in result.candidates[:2]] == ["http://e.com/a/0", "http://e.com/a/1"]
    assert (
        len(result.candidates) == MAX_ITEMS and result.candidates[-1].url == f"http://e.com/a/{MAX_ITEMS - 1}"
    )
    assert any("only the first" in warning for warning in result.warnings)
    assert not any("well-formed" in warning for warning in result.warnings)  # the cut kept it well-formed


def test_a_feed_under_the_cap_is_untouched():
    head, item, tail = FORMATS["rss2"]
    body = ("<?xml version='1.0'?>" + head + "".join(item.format(n=n) for n in range(50)) + tail).encode()
    result = parse_feed(body, url="http://e.com/feed")
    assert len(result.candidates) == 50 and result.warnings == []
