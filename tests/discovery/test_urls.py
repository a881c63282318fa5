"""canonicalize_url: one spelling per article URL."""

import pytest

from wirewatch.discovery import canonicalize_url


def test_scheme_and_host_are_lower_cased_and_default_port_dropped():
    assert canonicalize_url("HTTP://KCNA.KP:80/en/") == "http://kcna.kp/en/"
    assert canonicalize_url("https://Example.com:443/a") == "https://example.com/a"


def test_other_ports_are_kept():
    assert canonicalize_url("http://example.com:8080/a") == "http://example.com:8080/a"
    assert canonicalize_url("https://example.com:80/a") == "https://example.com:80/a"


def test_fragment_is_dropped_and_empty_path_becomes_slash():
    assert canonicalize_url("http://example.com#top") == "http://example.com/"
    assert canonicalize_url("http://example.com/a#comments") == "http://example.com/a"


def test_tracking_parameters_are_dropped():
    url = "http://example.com/a?utm_source=tw&utm_medium=x&fbclid=1&gclid=2&mc_cid=3&mc_eid=4&ref_src=5"
    assert canonicalize_url(url) == "http://example.com/a"


def test_rodong_query_parameters_are_kept_in_their_order():
    url = "http://www.rodong.rep.kp/en/index.php?strPageID=SF01_02_01&newsID=2022-02-11-0001&utm_source=rss"
    expected = "http://www.rodong.rep.kp/en/index.php?strPageID=SF01_02_01&newsID=2022-02-11-0001"
    assert canonicalize_url(url) == expected


def test_query_order_and_repeats_are_not_changed():
    assert canonicalize_url("http://e.com/?b=2&a=1&a=0") == "http://e.com/?b=2&a=1&a=0"


def test_relative_urls_resolve_against_the_base():
    base = "http://kcna.kp/en/category/articles/q/1ee9bdb7186944f765208f34ecfb5407.kcmsf"
    assert canonicalize_url("/en/article/q/abc.kcmsf", base) == "http://kcna.kp/en/article/q/abc.kcmsf"
    assert canonicalize_url("../../x", "http://e.com/a/b/c") == "http://e.com/x"
    assert canonicalize_url("?page=2", "http://e.com/list?page=1") == "http://e.com/list?page=2"
    assert canonicalize_url("//cdn.e.com/y", "https://e.com/") == "https://cdn.e.com/y"


def test_percent_encoding_is_normalised():
    assert canonicalize_url("http://e.com/%7euser/%2f") == "http://e.com/~user/%2F"
    assert canonicalize_url("http://e.com/a b?q=%e2%82%ac") == "http://e.com/a%20b?q=%E2%82%AC"


def test_non_ascii_paths_are_percent_encoded_once():
    once = canonicalize_url("http://e.com/기사/1")
    assert once == "http://e.com/%EA%B8%B0%EC%82%AC/1"
    assert canonicalize_url(once) == once


def test_international_hosts_become_idna():
    assert canonicalize_url("http://www.詹姆斯.com/feed") == "http://www.xn--8ws00zhy3a.com/feed"
    assert canonicalize_url("https://BÜCHER.de") == "https://xn--bcher-kva.de/"


def test_canonical_form_is_stable():
    for url in ["http://e.com/a?x=1&y=%20", "https://[::1]:8443/p", "http://127.0.0.1:8000/x?y"]:
        assert canonicalize_url(canonicalize_url(url)) == canonicalize_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "mailto:a@b.c",
        "ftp://e.com/x",
        "data:text/html,x",
        "/relative",
        "http://",
        "http://a b/",
    ],
)
def test_anything_but_absolute_http_urls_raises_value_error(url):
    with pytest.raises(ValueError):
        canonicalize_url(url)


def test_non_http_links_on_an_http_page_raise_value_error():
    with pytest.raises(ValueError):
        canonicalize_url("javascript:void(0)", "http://e.com/")
