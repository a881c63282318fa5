"""Classic XML attacks in feeds and sitemaps are refused with a clear error, and nothing is ever expanded or fetched."""

from __future__ import annotations

import time

import pytest

from tests.sites.server import Page
from wirewatch.discovery import parse_feed, parse_sitemap

LAUGHS = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
BILLION_LAUGHS = f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY lol0 "lol">{LAUGHS}]>'
QUADRATIC = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "' + "x" * 50_000 + '">]>'


def feed_doc(prolog: str, inside: str) -> bytes:
    return f"{prolog}<rss version='2.0'><channel><item><title>{inside}</title><link>http://e.com/a</link></item></channel></rss>".encode()


def sitemap_doc(prolog: str, inside: str) -> bytes:
    ns = "http://www.sitemaps.org/schemas/sitemap/0.9"
    return f"{prolog}<urlset xmlns='{ns}'><url><loc>http://e.com/{inside}</loc></url></urlset>".encode()


def attacks(secret_file: str, evil_url: str) -> dict[str, tuple[str, str]]:
    """name -> (prolog, text placed where the expansion would land)."""
    return {
        "billion laughs": (BILLION_LAUGHS.replace("<!DOCTYPE r", "<!DOCTYPE rss"), "&lol9;"),
        "quadratic blowup": (QUADRATIC, "&a;" * 2000),
        "external entity file": (f'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file://{secret_file}">]>', "&xxe;"),
        "external entity http": (f'<!DOCTYPE r [<!ENTITY xxe SYSTEM "{evil_url}">]>', "&xxe;"),
        "external DTD": (f'<!DOCTYPE rss SYSTEM "{evil_url}">', "x"),
        "public id, unknown DTD": (f'<!DOCTYPE rss PUBLIC "-//Evil//DTD X//EN" "{evil_url}">', "x"),
        "parameter entity": (f'<!DOCTYPE r [<!ENTITY % pe SYSTEM "{evil_url}"> %pe;]>', "x"),
        "parameter entity inline": ("<!DOCTYPE r [<!ENTITY % pe \"<!ENTITY x 'y'>\"> %pe;]>", "&x;"),
        "xinclude": (
            "",
            f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file://{secret_file}" parse="text"/>',
        ),
    }


@pytest.fixture
def setting(site, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    site.routes["/evil.dtd"] = Page(
        '<!ENTITY leak "EVIL-WAS-FETCHED">', headers={"Content-Type": "application/xml-dtd"}
    )
    return site, attacks(str(secret), site.url("/evil.dtd"))


def assert_refused(result, started: float) -> None:
    assert result.error and "refused" in result.error
    assert result.candidates == [] and result.next_urls == []
    assert "TOP-SECRET" not in repr(result) and "lollol" not in repr(result)
    assert time.monotonic() - started < 2.0


def test_xml_attacks_in_feeds_are_refused_and_nothing_is_fetched(setting):
    site, cases = setting
    for name, (prolog, inside) in cases.items():
        started = time.monotonic()
        result = parse_feed(feed_doc(prolog, inside), url="http://e.com/rss")
        assert_refused(result, started)
        assert result.error.startswith("feed refused"), name
    assert site.hits == []


def test_xml_attacks_in_sitemaps_are_refused_and_nothing_is_fetched(setting):
    site, cases = setting
    for name, (prolog, inside) in cases.items():
        started = time.monotonic()
        result = parse_sitemap(sitemap_doc(prolog, inside), url="http://e.com/sitemap.xml")
        assert_refused(result, started)
        assert result.error.startswith("sitemap refused"), name
    assert site.hits == []


def test_entity_declarations_in_ill_formed_documents_are_refused_too(setting):
    _, cases = setting
    prolog, inside = cases["billion laughs"]
    broken = feed_doc(prolog, inside).replace(b"</channel>", b"<unclosed>")
    assert "refused" in parse_feed(broken, url="http://e.com/rss").error
    assert "refused" in parse_sitemap(broken, url="http://e.com/s.xml").error


def test_entities_hidden_by_a_utf7_declaration_are_refused():
    prolog = '<?xml version="1.0" encoding="utf-7"?>+ADw-!DOCTYPE r +AFs-+ADw-!ENTITY a "x"+AD4-+AF0-+AD4-'
    assert "entities" in parse_feed(feed_doc(prolog, "&a;"), url="http://e.com/rss").error
    assert "entities" in parse_sitemap(sitemap_doc(prolog, "&a;"), url="http://e.com/s.xml").error


def test_entities_in_utf16_documents_are_refused():
    body = ("\ufeff" + BILLION_LAUGHS + "<rss><channel><title>&lol9;</title></channel></rss>").encode(
        "utf-16-le"
    )
    assert "refused" in parse_feed(body, url="http://e.com/rss").error


def test_rss091_public_doctype_is_accepted_and_never_fetched(site):
    dtd = site.url("/rss-0.91.dtd")
    prolog = f'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "{dtd}">'
    result = parse_feed(feed_doc(prolog, "Old feed"), url="http://e.com/rss")
    assert result.error is None and [c.title for c in result.candidates] == ["Old feed"]
    assert site.hits == []


def test_external_dtd_in_an_ill_formed_document_is_refused():
    body = b'<!doctype rss system "http://evil.example/x.dtd"><rss><channel><item><link>http://e.com/a</link>'
    assert "refused" in parse_feed(body, url="http://e.com/rss").error


def test_many_unclosed_doctypes_are_scanned_in_linear_time():
    body = b"<!DOCTYPE a" * 200_000
    started = time.monotonic()
    assert parse_sitemap(body, url="http://e.com/s.xml").error == "sitemap is not well-formed XML"
    assert parse_feed(body, url="http://e.com/rss").error
    assert time.monotonic() - started < 2.0
