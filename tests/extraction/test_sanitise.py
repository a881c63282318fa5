"""The sanitised body must carry no active content; checked by parsing the output with lxml, not with regexes."""

import pytest
from lxml import html as lxml_html

from wirewatch.extraction import sanitise_html
from wirewatch.extraction.sanitise import ALLOWED_TAGS

PAGE = "https://kcna.kp/en/article/q/abc.kcmsf"
HOSTILE = """
<p onclick="steal()" style="position:fixed">Hello <script>alert(1)</script><b onmouseover=x>bold</b></p>
<img src="x.png" onerror="alert(1)" alt="photo"><img src="data:image/svg+xml;base64,PHN2Zz4=">
<a href="javascript:alert(1)">js</a><a href=" JaVaScRiPt:alert(1)">js2</a><a href="java&#x09;script:alert(1)">js3</a>
<a href="data:text/html,<script>alert(1)</script>">data</a><a href="vbscript:msgbox">vb</a>
<svg onload="alert(1)"><script>alert(2)</script><a href="https://e.com">svg link</a></svg>
<math><mtext><script>alert(3)</script></mtext></math>
<iframe src="https://evil.example/"></iframe><object data="x.swf"></object><embed src="x.swf">
<form action="https://evil.example/"><input name=q><button>go</button></form>
<style>body{display:none}</style><link rel=stylesheet href="https://evil.example/x.css">
<meta http-equiv="refresh" content="0;url=https://evil.example/"><base href="https://evil.example/">
<p>Kept <a href="/en/article/q/other.kcmsf">relative</a> and <a href="https://example.org/">absolute</a></p>
<table><tr><td colspan="2" style="color:red">cell</td></tr></table>
<noscript><p>no</p></noscript><template><script>alert(4)</script></template>
"""


def parse(fragment: str):
    return lxml_html.fragment_fromstring(fragment, create_parent="div")


@pytest.fixture(scope="module")
def cleaned():
    return parse(sanitise_html(HOSTILE, PAGE))


def test_sanitised_html_has_only_allowlisted_elements(cleaned):
    tags = {element.tag for element in cleaned.iter() if isinstance(element.tag, str)} - {"div"}
    assert tags <= ALLOWED_TAGS
    assert not tags & {
        "script",
        "style",
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "form",
        "input",
        "link",
        "meta",
    }


def test_sanitised_html_has_no_event_handler_or_style_attribute(cleaned):
    for element in cleaned.iter():
        for name in element.attrib:
            assert not name.lower().startswith("on"), (element.tag, name)
            assert name.lower() != "style"


def test_sanitised_html_keeps_only_http_urls_and_makes_them_absolute(cleaned):
    urls = [element.get(attr) for element in cleaned.iter() for attr in ("href", "src") if element.get(attr)]
    assert urls, "some links must survive"
    assert all(url.startswith(("http://", "https://")) for url in urls), urls
    assert "https://kcna.kp/en/article/q/other.kcmsf" in urls
    assert "https://kcna.kp/en/article/q/x.png" in urls


def test_sanitised_links_get_nofollow_noopener_noreferrer(cleaned):
    links = cleaned.findall(".//a")
    assert links
    assert all(set(link.get("rel", "").split()) == {"nofollow", "noopener", "noreferrer"} for link in links)


def test_sanitised_html_drops_script_text_and_keeps_readable_text(cleaned):
    text = cleaned.text_content()
    assert "alert" not in text and "display:none" not in text
    assert "Hello" in text and "bold" in text and "cell" in text


def test_sanitise_keeps_the_allowed_structure():
    html = "<h2>T</h2><p>a<br>b</p><ul><li>x</li></ul><blockquote>q</blockquote><figure><img src='https://e.com/i.jpg' alt='i'><figcaption>c</figcaption></figure>"
    root = parse(sanitise_html(html))
    assert [el.tag for el in root.iter() if el is not root] == [
        "h2", "p", "br", "ul", "li", "blockquote", "figure", "img", "figcaption"
    ]  # fmt: skip


@pytest.mark.parametrize(
    "hostile", ["", "<", "<<<>>>", "\x00\x01\ufffd", "<p>" * 100_000, "<a href='http://[::1'>x</a>"]
)
def test_sanitise_survives_malformed_input(hostile):
    out = sanitise_html(hostile, PAGE)
    assert isinstance(out, str)
    assert "<script" not in out.lower()
