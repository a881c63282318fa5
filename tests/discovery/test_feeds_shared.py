"""Every feed case in ../shared/data/feeds agrees with its expectation, read from disk and served over HTTP."""

from __future__ import annotations

import codecs
import re

import httpx
import pytest

from tests.sites.server import Page
from wirewatch.discovery import DiscoveryResult, canonicalize_url, parse_feed

from .feedcases import (
    ENCODING,
    ENTRY_COUNT,
    ENTRY_LINK,
    FEED_LANGUAGE,
    FEED_TITLE,
    REFUSED_BY_POLICY,
    is_bozo,
    literal,
    load_cases,
    problems,
)

pytestmark = pytest.mark.shared
FEEDPARSER_DOC_HOST = "http://127.0.0.1:8097"  # where feedparser's test server served these files


def parse_case(shared_dir, name: str, case: dict) -> DiscoveryResult:
    body = (shared_dir / "data" / "feeds" / name).read_bytes()
    return parse_feed(body, url=f"{FEEDPARSER_DOC_HOST}/tests/{name}", headers=case.get("http_headers"))


def check_agreement(name: str, case: dict, result: DiscoveryResult) -> None:
    expect = case.get("expect") or ""
    if name in REFUSED_BY_POLICY:
        assert result.error and "entities" in result.error
        return
    bozo = is_bozo(expect)
    if bozo is True:
        assert result.error or problems(result), f"{name}: ill-formed, but no warning and no error"
    if bozo is False:
        assert result.error is None, f"{name}: {result.error}"
        assert problems(result) == [], f"{name}: well-formed, yet {problems(result)}"
    if (link := literal(expect, ENTRY_LINK)) is not None:
        assert result.candidates[0].url == canonicalize_url(link)
    if (title := literal(expect, FEED_TITLE)) is not None and "<" not in title:
        assert result.title == title
    if (language := literal(expect, FEED_LANGUAGE)) is not None:
        assert result.language == language
    if (encoding := literal(expect, ENCODING)) is not None:
        assert codecs.lookup(result.encoding).name == codecs.lookup(encoding).name
    if count := ENTRY_COUNT.search(expect):
        assert len(result.candidates) == int(count.group(1))


def test_every_shared_feed_case_agrees_with_its_expectation(shared_dir):
    cases = load_cases(shared_dir)
    assert len(cases) > 150
    for name, case in cases.items():
        check_agreement(name, case, parse_case(shared_dir, name, case))


def test_well_formed_cases_with_entry_links_give_those_links(shared_dir):
    cases = load_cases(shared_dir)
    linked = {name: literal(case.get("expect"), ENTRY_LINK) for name, case in cases.items()}
    linked = {name: link for name, link in linked.items() if link}
    assert len(linked) >= 5
    for name, link in linked.items():
        result = parse_case(shared_dir, name, cases[name])
        assert [c.url for c in result.candidates][:1] == [canonicalize_url(link)], name


def _raw_title(body: bytes) -> bytes | None:
    match = re.search(rb"<title>(.*?)</title>", body, re.DOTALL)
    return match.group(1).strip() if match else None


def test_feeds_without_declared_encoding_are_read_in_the_detected_encoding(shared_dir):
    """EUC-KR, Big5, Shift_JIS... with no charset anywhere: read as the text, not mojibake, with a warning.

    A compatible encoding (cp949 for EUC-KR) is right when it reads these bytes as the same text.
    """
    cases = load_cases(shared_dir)
    chardet_cases = [name for name in cases if name.startswith("illformed/chardet/")]
    assert len(chardet_cases) >= 8
    for name in chardet_cases:
        body = (shared_dir / "data" / "feeds" / name).read_bytes()
        encoding = literal(cases[name]["expect"], ENCODING)
        # Their items have no link, so would not be candidates: give each one (ASCII, the same in all of them).
        body = body.replace(b"<item>", b"<item><link>http://example.com/a</link>")
        body = body.replace(b"<entry>", b'<entry><link href="http://example.com/a"/>')
        result = parse_feed(body, url="http://example.com/feed")
        assert body.decode(result.encoding) == body.decode(encoding), name
        assert any("declares no encoding" in w for w in result.warnings), name
        if raw_title := _raw_title(body):
            titles = [result.title] + [c.title for c in result.candidates]
            assert " ".join(raw_title.decode(encoding).split()) in titles, name


def test_korean_feed_title_decodes_from_euc_kr(shared_dir):
    body = (shared_dir / "data" / "feeds" / "encoding" / "euc-kr.xml").read_bytes()
    result = parse_feed(body, url="http://example.com/feed")
    assert result.title == "\ub144"
    assert result.encoding == "euc-kr"


HTTP_CASES = [
    "encoding/bozo_http_i18n.xml",
    "encoding/http_i18n.xml",
    "encoding/http_text_xml_charset_overrides_encoding.xml",
    "encoding/http_application_atom_xml_default.xml",
    "encoding/euc-kr.xml",
    "encoding/utf-16le-bom.xml",
    "illformed/chardet/euckr.xml",
    "illformed/rss_item_link_corrupted_ampersands.xml",
    "wellformed/base/http_entry_link_base_content_location.xml",
    "wellformed/lang/http_content_language.xml",
    "wellformed/lang/http_content_language_feed_language.xml",
    "wellformed/atom10/entry_link_alternate_map_link.xml",
    "wellformed/rss/item_guid_isPermaLink_map_link.xml",
    "json/example.json",
]


def test_shared_feeds_served_over_http_with_their_headers_agree(site, shared_dir):
    """As the watcher sees them: fetched from a server sending each case's headers, parsed with the response's."""
    cases = load_cases(shared_dir)
    for name in HTTP_CASES:
        headers = cases[name].get("http_headers") or {"Content-Type": "application/xml"}
        site.routes[f"/tests/{name}"] = Page(
            (shared_dir / "data" / "feeds" / name).read_bytes(), headers=headers
        )
    with httpx.Client() as client:
        for name in HTTP_CASES:
            response = client.get(site.url(f"/tests/{name}"))
            assert response.status_code == 200
            result = parse_feed(response.content, url=str(response.url), headers=response.headers)
            check_agreement(name, cases[name], result)
    assert len(site.hits) == len(HTTP_CASES)
