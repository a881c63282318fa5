"""Source packs: the DPRK pack loads and its rules read the documented layouts; bad packs fail clearly."""

import json
import re
from datetime import date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from tests.sites import dprk_layouts as layouts
from wirewatch.sources.packs import PackError, list_packs, load_pack, pack_layouts, read_pack

PYONGYANG = ZoneInfo("Asia/Pyongyang")
EDITIONS = {
    "KCNA": {"en", "ko", "zh", "ja", "ru", "es", "fr", "ar"},
    "Rodong Sinmun": {"ko", "en", "zh", "ru", "ja", "es", "fr", "ar"},
    "Naenara": {"ko", "en", "zh", "ru", "ja", "fr", "de", "es", "ar"},
    "Voice of Korea": {"ko", "en", "zh", "ru", "ja", "es", "fr", "de", "ar"},
    "The Pyongyang Times": {"en"},
    "Minju Joson": {"ko"},
    "Uriminzokkiri": {"ko"},
}


def by_slug(slug: str) -> dict:
    return next(s for s in load_pack("dprk") if s["slug"] == slug)


# --- the DPRK pack --------------------------------------------------------------------------------------


def test_dprk_pack_is_shipped_and_lists_every_outlet_and_edition():
    assert "dprk" in list_packs()
    sources = load_pack("dprk")
    found: dict[str, set[str]] = {}
    for source in sources:
        found.setdefault(source["name"], set()).add(source["language"])
    assert found == EDITIONS
    assert len({s["slug"] for s in sources}) == len(sources) == 37


def test_every_dprk_source_is_polite_and_keeps_pyongyang_time():
    for source in load_pack("dprk"):
        assert source["delay"] >= 5, source["slug"]
        assert source["poll_interval"] >= 600, source["slug"]
        assert source["timezone"] == "Asia/Pyongyang"
        assert source["pack"] == "dprk"
        assert urlsplit(source["home"]).hostname.endswith((".kp", "uriminzokkiri.com"))


def test_every_dprk_source_has_listing_rules_and_a_note_where_urls_or_rules_are_guesses():
    raw = {entry["slug"]: entry for entry in read_pack("dprk")["sources"]}
    for source in load_pack("dprk"):
        assert source["rules"]["listing"]["item"], source["slug"]
        guessed = source["listings"] == [source["home"]] or source["rules"]["listing"]["item"] == "article"
        if guessed:
            assert len(raw[source["slug"]].get("note", "")) > 20, f"{source['slug']} needs a note saying why"


@pytest.mark.django_db
def test_every_dprk_source_registers_through_add_source():
    from wirewatch.sources.services import add_source

    added = [add_source(**source) for source in load_pack("dprk")]
    assert {s.pack for s in added} == {"dprk"}
    assert "KCNA (En)" in {s.display_name for s in added}
    assert next(s for s in added if s.slug == "naenara-ar").direction == "rtl"


# --- validation -------------------------------------------------------------------------------------------

GOOD_SOURCE = """
[[sources]]
name = "Demo"
edition = "En"
language = "en"
home = "http://127.0.0.1:9/"
rules = {listing = {item = "li"}}
"""


def write_pack(tmp_path, text: str, header: str = '[pack]\nname = "mine"\n'):
    path = tmp_path / "mine.toml"
    path.write_text(header + text, encoding="utf-8")
    return str(path)


def test_load_pack_accepts_a_path_to_a_users_own_file(tmp_path):
    (source,) = load_pack(write_pack(tmp_path, GOOD_SOURCE))
    assert source["name"] == "Demo" and source["pack"] == "mine"
    assert source["rules"] == {"listing": {"item": "li"}}
    assert source["timezone"] == "UTC" and source["delay"] >= 5


def test_a_source_overrides_its_layout_key_by_key(tmp_path):
    text = '[layouts.x.listing]\nitem = "li"\ndate = "span"\n' + GOOD_SOURCE.replace(
        'rules = {listing = {item = "li"}}', 'layout = "x"\nrules = {listing = {date = "time"}}'
    )
    (source,) = load_pack(write_pack(tmp_path, text))
    assert source["rules"] == {"listing": {"item": "li", "date": "time"}}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('name = "Demo"\n', ""), r"source #1: field 'name' is required"),
        (
            ('home = "http://127.0.0.1:9/"', 'home = "ftp://127.0.0.1/"'),
            r"Demo \(En\), home: 'ftp://127.0.0.1/' is not an http\(s\) URL",
        ),
        (
            ('home = "http://127.0.0.1:9/"', 'home = "http://127.0.0.1:9/"\nfeeds = ["javascript:alert(1)"]'),
            r"Demo \(En\), feeds: 'javascript:alert\(1\)'",
        ),
        (
            ('language = "en"', 'language = "English"'),
            r"Demo \(En\), language: 'English' is not a language code",
        ),
        (
            ('language = "en"', 'language = "en"\ntimezone = "Mars/Olympus"'),
            r"timezone: 'Mars/Olympus' is not a known time zone",
        ),
        (
            ('language = "en"', 'language = "en"\ndelay = -1'),
            r"Demo \(En\), delay: expected a number of seconds",
        ),
        (
            ('language = "en"', 'language = "en"\npoll_interval = "often"'),
            r"poll_interval: expected a number of seconds",
        ),
        (('language = "en"', 'language = "en"\nfeed = []'), r"Demo \(En\)|unknown field\(s\) feed"),
        (('{item = "li"}', '{itme = "li"}'), r"rules\.listing: unknown field\(s\) itme"),
        (
            ('{item = "li"}', '{item = "li", url_pattern = "(unclosed"}'),
            r"url_pattern: not a regular expression",
        ),
        (('{item = "li"}', '{item = ""}'), r"rules\.listing, item: expected a non-empty string"),
        (('rules = {listing = {item = "li"}}', 'layout = "nope"'), r"layout: 'nope' is not one of"),
        (
            ('rules = {listing = {item = "li"}}', ""),
            r"Demo \(En\): no listing rules .* and no note saying why",
        ),
        (
            ('language = "en"', 'language = "en"\nslug = "Not A Slug"'),
            r"slug: 'Not A Slug' must be lower-case",
        ),
    ],
)
def test_a_bad_source_field_fails_with_a_message_naming_source_and_field(tmp_path, change, message):
    text = GOOD_SOURCE.replace(*change)
    assert text != GOOD_SOURCE
    with pytest.raises(PackError, match=message):
        load_pack(write_pack(tmp_path, text))


def test_unknown_source_field_is_named_with_the_known_ones(tmp_path):
    with pytest.raises(PackError, match=r"unknown field\(s\) feed; known: delay, edition, feeds"):
        load_pack(write_pack(tmp_path, GOOD_SOURCE.replace('language = "en"', 'language = "en"\nfeed = []')))


def test_the_same_edition_twice_is_refused(tmp_path):
    with pytest.raises(PackError, match=r"Demo \(En\) is listed twice"):
        load_pack(write_pack(tmp_path, GOOD_SOURCE + GOOD_SOURCE))


@pytest.mark.parametrize(
    ("header", "text", "message"),
    [
        ("", GOOD_SOURCE, r"\[pack\] needs a name"),
        ('[pack]\nname = "mine"\n', "", r"pack 'mine' has no \[\[sources\]\]"),
        ('[pack]\nname = "mine"\n', "[[sources]\n", r"not valid TOML"),
        ('[pack]\nname = "mine"\nversion = 2\n', GOOD_SOURCE, r"\[pack\]: unknown field\(s\) version"),
        ('[pack]\nname = "mine"\n[extra]\n', GOOD_SOURCE, r"the pack: unknown field\(s\) extra"),
    ],
)
def test_a_bad_pack_file_fails_with_a_clear_message(tmp_path, header, text, message):
    with pytest.raises(PackError, match=message):
        load_pack(write_pack(tmp_path, text, header))


def test_a_pack_that_is_not_utf8_is_refused_clearly(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_bytes(b'[pack]\nname = "\xff\xfe"\n')
    with pytest.raises(PackError, match="not UTF-8 text"):
        load_pack(str(path))


def test_an_unknown_pack_name_lists_the_shipped_packs():
    with pytest.raises(ValueError, match=r"no pack 'nope': give a shipped pack \(.*dprk.*\) or the path"):
        load_pack("nope")


# --- the pack's rules on the documented layouts (discovery and extraction, for real) ---------------------


@pytest.fixture(scope="module")
def kcna_rows(shared_dir):
    """KCNA English rows with a full text and a headline without a date label, read in place."""
    rows = json.loads((shared_dir / "data/kcna-en/articles.json").read_text(encoding="utf-8"))
    return [
        r for r in rows if r.get("story_text") and "[" not in r["headline"] and "/article/q/" in r["link"]
    ]


def kcna_items(rows) -> list[layouts.Item]:
    return [
        layouts.Item(
            urlsplit(r["link"]).path, r["headline"], layouts.juche_label(date.fromisoformat(r["date_str"]))
        )
        for r in rows
    ]


def test_kcna_2021_rules_find_every_item_its_date_and_title_on_a_listing_page(kcna_rows):
    from wirewatch.discovery import parse_listing

    rows = kcna_rows[:12]
    page = layouts.kcna_listing_page(kcna_items(rows), next_href="/en/category/articles/q/abc.kcmsf?page=2")
    result = parse_listing(
        page,
        url="http://www.kcna.kp/en/category/articles/q/abc.kcmsf",
        rules=pack_layouts("dprk")["kcna-2021"]["listing"],
        timezone="Asia/Pyongyang",
    )
    assert result.error is None
    assert [c.url for c in result.candidates] == [r["link"] for r in rows]
    assert [c.title for c in result.candidates] == [" ".join(r["headline"].split()) for r in rows]  # nbsp too
    assert [c.published.astimezone(PYONGYANG).date().isoformat() for c in result.candidates] == [
        r["date_str"] for r in rows
    ]
    assert result.next_urls == ["http://www.kcna.kp/en/category/articles/q/abc.kcmsf?page=2"]


def test_kcna_2021_rules_on_a_redesigned_page_report_rules_matched_nothing(kcna_rows):
    from wirewatch.discovery import RULES_BROKEN, parse_listing

    items = [
        layouts.Item(f"/en/article/detail/{i:032x}", r["headline"], r["date_str"])
        for i, r in enumerate(kcna_rows[:5])
    ]
    result = parse_listing(
        layouts.kcna_2026_list_page(items),
        url="http://www.kcna.kp/en/article/list/abc",
        rules=pack_layouts("dprk")["kcna-2021"]["listing"],
        timezone="Asia/Pyongyang",
    )
    assert result.candidates == []
    assert result.error.startswith(RULES_BROKEN)


def test_kcna_sources_generic_2026_rules_find_the_detail_links_on_a_redesigned_page(kcna_rows):
    from wirewatch.discovery import parse_listing

    source = by_slug("kcna-en")
    items = [
        layouts.Item(f"/en/article/detail/{i:032x}", r["headline"], r["date_str"])
        for i, r in enumerate(kcna_rows[:7])
    ]
    result = parse_listing(
        layouts.kcna_2026_list_page(items, next_href="/en/article/list/abc?page=2"),
        url="http://www.kcna.kp/en/article/list/abc",
        rules=source["rules"]["listing"],
        timezone=source["timezone"],
    )
    assert result.error is None
    assert [c.url for c in result.candidates] == [f"http://www.kcna.kp{i.href}" for i in items]
    assert [c.title for c in result.candidates] == [" ".join(r["headline"].split()) for r in kcna_rows[:7]]


def test_kcna_2021_article_rules_read_title_and_body_with_leader_names_spaced(kcna_rows):
    from wirewatch.extraction import extract_article

    row = next(
        r for r in kcna_rows if "Kim Jong Un" in r["story_text"] and r["story_text"].rstrip().endswith("-0-")
    )
    page = layouts.kcna_article_page(row["headline"], row["story_text"])
    assert "<nobr><strong>Kim Jong Un</strong></nobr>" in page
    listed = datetime.fromisoformat(row["date_str"]).replace(tzinfo=PYONGYANG)  # as discovery hands it over
    found = extract_article(
        page,
        row["link"],
        language="en",
        timezone="Asia/Pyongyang",
        rules=pack_layouts("dprk")["kcna-2021"]["article"],
        listing_date=listed,
    )
    assert found.extracted_by == "rules" and found.rules_matched is True
    assert found.title == " ".join(row["headline"].split()) and not found.title_is_lead
    assert found.text.startswith("Pyongyang, ")
    assert "Kim Jong Un" in found.text
    assert not re.search(r"[A-Za-z]Kim Jong Un|Kim Jong Un[A-Za-z]", found.text)
    assert found.published.astimezone(PYONGYANG).date().isoformat() == row["date_str"]
    assert found.published_from == "listing"


def test_kcna_2021_article_rules_on_a_redesigned_article_page_do_not_match(kcna_rows):
    from wirewatch.extraction import extract_article

    row = kcna_rows[0]
    page = layouts.kcna_2026_detail_page(row["headline"], row["date_str"], row["story_text"])
    assert "article-main-title" not in page
    found = extract_article(
        page,
        "http://www.kcna.kp/en/article/detail/abc",
        language="en",
        timezone="Asia/Pyongyang",
        rules=pack_layouts("dprk")["kcna-2021"]["article"],
    )
    assert found.rules_matched is False
    assert found.extracted_by == "generic"


def test_rodong_date_header_is_written_as_the_old_english_site_did():
    assert layouts.rodong_date_header(date(2022, 2, 11)) == "Feb. 11, Juche 111 (2022) Friday"


def test_rodong_rules_find_the_old_sites_news_links_on_its_listing(kcna_rows):
    from wirewatch.discovery import parse_listing

    day = date(2022, 2, 11)
    items = [
        layouts.Item(layouts.rodong_news_href(day, n), r["headline"], "")
        for n, r in enumerate(kcna_rows[:6], 1)
    ]
    source = by_slug("rodong-en")
    result = parse_listing(
        layouts.rodong_listing_page(items),
        url="http://www.rodong.rep.kp/en/index.php?strPageID=SF01_01_02",
        rules=source["rules"]["listing"],
        timezone=source["timezone"],
    )
    assert result.error is None
    assert [c.url for c in result.candidates] == [
        f"http://www.rodong.rep.kp/en/index.php?strPageID=SF01_02_01&newsID=2022-02-11-{n:04d}"
        for n in range(1, 7)
    ]
    assert [c.title for c in result.candidates] == [" ".join(r["headline"].split()) for r in kcna_rows[:6]]


def test_rodong_rules_read_an_old_article_and_its_juche_header_date(kcna_rows):
    from wirewatch.extraction import extract_article

    row, day = kcna_rows[1], date(2022, 2, 11)
    url = "http://www.rodong.rep.kp/en/index.php?strPageID=SF01_02_01&newsID=2022-02-11-0003"
    source = by_slug("rodong-en")
    found = extract_article(
        layouts.rodong_article_page(row["headline"], day, row["story_text"]),
        url,
        language="en",
        timezone=source["timezone"],
        rules=source["rules"]["article"],
    )
    assert found.extracted_by == "rules"
    assert found.title == row["headline"]
    assert found.text.startswith("Pyongyang, ")
    assert found.published.astimezone(PYONGYANG).date() == day
    assert found.published_from == "meta"
    assert isinstance(found.published, datetime)
