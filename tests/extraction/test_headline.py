"""Lead-headlines for pages without a headline: within the limit, cut at a boundary, "…" only when cut."""

import json
import unicodedata

import pytest
from selectolax.lexbor import LexborHTMLParser

from wirewatch.extraction import lead_headline, repair_glued_names
from wirewatch.extraction.headline import clean_title, is_missing_title, strip_dateline

ELLIPSIS = "…"


def source_of(text: str) -> str:
    """The text a lead is taken from: whitespace collapsed, dateline gone (as the lead does it)."""
    return " ".join(strip_dateline(" ".join(text.split())).split())


def assert_good_lead(lead: str, text: str, limit: int, spaced: bool = True) -> None:
    source = source_of(text)
    assert lead, "a lead must not be empty"
    assert len(lead) <= limit
    assert lead.count(ELLIPSIS) <= (1 if lead.endswith(ELLIPSIS) else source.count(ELLIPSIS))
    if not lead.endswith(ELLIPSIS) or source.startswith(lead):
        assert source.startswith(lead), "an uncut lead is whole sentences of the text"
        assert lead[-1] in ".!?。！？”\"'»)…" or lead == source, f"uncut lead must end a sentence: {lead!r}"
        return
    head = lead[:-1]
    assert source.startswith(head), (head, source[:200])
    after, last = source[len(head)], head[-1]
    if spaced:
        assert not after.isalnum() or after.isspace(), (
            f"cut inside a word: {head[-15:]!r}|{source[len(head) :][:10]!r}"
        )
    else:
        assert not (after.isascii() and last.isascii() and after.isalnum() and last.isalnum()), (
            "cut inside a number"
        )
        assert not unicodedata.combining(after)


def test_lead_headline_keeps_a_first_sentence_that_fits_whole():
    text = "Pyongyang, July 14 (KCNA) -- A national meeting was held. Speakers praised the harvest at length."
    assert lead_headline(text, "en") == "A national meeting was held."


def test_lead_headline_does_not_add_a_second_partial_sentence():
    first = (
        "The delegation of the Ministry of Foreign Affairs left Pyongyang on Monday for a visit to Russia."
    )
    text = first + " It was seen off at the airport by officials of the ministry and the Russian ambassador."
    assert lead_headline(text, "en") == first


def test_lead_headline_takes_a_whole_second_sentence_after_a_salutation():
    text = "Dear compatriots!\n\nI extend my warm greetings to all of you on the New Year."
    assert (
        lead_headline(text, "en")
        == "Dear compatriots! I extend my warm greetings to all of you on the New Year."
    )


def test_lead_headline_cuts_english_at_a_space_with_an_ellipsis_on_the_seed_article(shared_dir):
    page = LexborHTMLParser((shared_dir / "seed/article-page.html").read_text(encoding="utf-8"))
    text = "\n\n".join(p.text() for p in page.css(".article-body p"))
    lead = lead_headline(text, "en")
    assert lead.endswith(ELLIPSIS)
    assert lead.startswith("Today, the Korean people are significantly marking the 3rd anniversary")
    assert_good_lead(lead, text, 125)


def test_lead_headline_of_the_seed_rail_teasers_ends_at_a_word_with_an_ellipsis(shared_dir):
    """The seed's rail shows the broken leads we replace ("...in towns and"): ours end at a word, with "…"."""
    page = LexborHTMLParser((shared_dir / "seed/article-page.html").read_text(encoding="utf-8"))
    teasers = [node.text() for node in page.css(".more-from .item-teaser")]
    assert len(teasers) == 20
    for teaser in teasers:
        for limit in (40, 80, 125):
            assert_good_lead(lead_headline(teaser, "en", limit), teaser, limit)
    cut = lead_headline(teasers[0], "en", 80)
    assert cut == "The DPRK has greeted a new history of comprehensive prosperity, both in the…"


def test_lead_headline_ellipsis_only_when_actually_cut():
    assert lead_headline("Short and whole.", "en", limit=16) == "Short and whole."
    assert lead_headline("Short and whole.", "en", limit=15) == "Short and…"


@pytest.mark.shared
def test_lead_headline_over_every_kcna_english_text(shared_dir):
    rows = json.loads((shared_dir / "data/kcna-en/articles.json").read_text(encoding="utf-8"))
    texts = [row["story_text"] for row in rows if row["story_text"]]
    cut = 0
    for text in texts:
        lead = lead_headline(text, "en")
        assert not lead.startswith("Pyongyang") and "(KCNA) --" not in lead
        assert "-0-" not in lead
        assert_good_lead(lead, repair_glued_names(text).replace("\n", " ").removesuffix(" -0-"), 125)
        cut += lead.endswith(ELLIPSIS)
    assert 0 < cut < len(texts)


@pytest.mark.shared
@pytest.mark.parametrize("limit", [30, 60, 125])
def test_lead_headline_cuts_korean_at_a_space(shared_dir, limit):
    files = sorted((shared_dir / "data/korean").glob("*.txt"))
    assert len(files) == 50
    cut = 0
    for path in files:
        original = path.read_text(encoding="utf-8").split("원 문", 1)[-1]
        lead = lead_headline(original, "ko", limit)
        assert_good_lead(lead, original, limit)
        if lead.endswith(ELLIPSIS):
            cut += 1
            eojeol = {word.strip(",.;:!?") for word in original.split()}
            assert all(word.strip(",.;:!?") in eojeol for word in lead[:-1].split()), "a Korean word was cut"
    assert cut > 0


CHINESE = (
    "（朝中社平壤7月14日电）朝鲜劳动党总书记、朝鲜民主主义人民共和国国务委员长金正恩同志7月13日视察了新建成的平壤综合医院，"
    "对医院的建设成果给予高度评价，并指出要进一步提高医疗服务水平，使人民群众享受到更好的医疗条件和福利待遇。"
)
JAPANESE = (
    "【平壌7月14日発朝鮮中央通信】朝鮮労働党総書記で国務委員長である金正恩同志が2024年7月13日、"
    "新たに建設された平壌総合病院を視察し、病院の建設成果を高く評価して医療サービスの水準をさらに高めるよう指示した。"
)


def test_lead_headline_cuts_chinese_at_a_clause_mark_near_the_limit():
    lead = lead_headline(CHINESE, "zh", 60)
    assert (
        lead
        == "朝鲜劳动党总书记、朝鲜民主主义人民共和国国务委员长金正恩同志7月13日视察了新建成的平壤综合医院…"
    )
    assert_good_lead(lead, CHINESE, 60, spaced=False)


@pytest.mark.parametrize("limit", range(10, 80, 3))
def test_lead_headline_never_cuts_a_number_in_japanese(limit):
    lead = lead_headline(JAPANESE, "ja", limit)
    assert_good_lead(lead, JAPANESE, limit, spaced=False)
    assert not lead.rstrip(ELLIPSIS).endswith(("20", "202"))


@pytest.mark.parametrize("limit", range(10, 80, 3))
def test_lead_headline_cuts_chinese_at_a_character_boundary(limit):
    assert_good_lead(lead_headline(CHINESE, "zh", limit), CHINESE, limit, spaced=False)


ARABIC = (
    "بيونغ يانغ 14 يوليو/ كنا/ زار الأمين العام لحزب العمل الكوري رئيس شؤون الدولة لجمهورية كوريا الديمقراطية "
    "الشعبية كيم جونغ أون المستشفى العام الجديد في بيونغ يانغ وقدم توجيهات بشأن تطوير الرعاية الصحية في البلاد."
)
RUSSIAN = (
    "Пхеньян, 14 июля /ЦТАК/ -- Генеральный секретарь ЦК Трудовой партии Кореи, председатель Государственных дел "
    "КНДР Ким Чен Ын посетил новую Пхеньянскую больницу общего профиля и дал указания о развитии здравоохранения."
)


@pytest.mark.parametrize(("text", "language"), [(ARABIC, "ar"), (RUSSIAN, "ru")])
@pytest.mark.parametrize("limit", [20, 50, 90, 125])
def test_lead_headline_cuts_arabic_and_russian_at_a_space(text, language, limit):
    lead = lead_headline(text, language, limit)
    assert_good_lead(lead, text, limit)
    assert "ЦТАК" not in lead and "كنا" not in lead and "14" not in lead


def test_lead_headline_cuts_one_giant_word_hard_but_within_the_limit():
    lead = lead_headline("x" * 500, "en", 50)
    assert len(lead) == 50 and lead.endswith(ELLIPSIS)


@pytest.mark.parametrize("text", ["", "   ", "-0-", "Pyongyang, July 14 (KCNA) --", "\x00\x01"])
def test_lead_headline_of_an_empty_body_is_empty(text):
    assert lead_headline(text, "en") == ""


def test_clean_title_takes_off_kcna_date_labels():
    assert clean_title("Humor of Respected Comrade Kim Jong Un\n[Juche113.6.11.]") == (
        "Humor of Respected Comrade Kim Jong Un",
        "[Juche113.6.11.]",
    )
    assert clean_title("Floral Tribute Paid\n\n[2024.02.11.]")[0] == "Floral Tribute Paid"


@pytest.mark.parametrize("title", ["", "  ", "Naenara", "NAENARA ", "KCNA", "로동신문", "—", "My Site"])
def test_is_missing_title_for_empty_generic_or_site_name_titles(title):
    assert is_missing_title(title, site_names=("My Site",))


def test_is_missing_title_false_for_a_real_headline():
    assert not is_missing_title("National Flag Hoisted on New Year", site_names=("Naenara",))


def test_a_listing_teaser_that_repeats_the_dateline_is_not_taken_as_a_headline():
    from wirewatch.extraction import extract_article

    page = (
        "<html><head><title>Portal</title><meta property='og:site_name' content='Portal'></head><body><article><p>Pyongyang, November 27 (Demo) -- "
        "Teachers in Haeryong County held a seminar on renewable energy.</p><p>More than 420 people took part "
        "in the work over 27 days, and the project involved 33 work teams.</p></article></body></html>"
    )
    found = extract_article(
        page,
        "http://127.0.0.1/en/1",
        language="en",
        listing_title="Pyongyang, November 27 (Demo) -- Teachers in Haeryong County held a seminar",
    )
    assert found.title_is_lead
    assert found.title == "Teachers in Haeryong County held a seminar on renewable energy."


def test_a_mixed_case_agency_dateline_needs_its_dash_to_be_dropped():
    from wirewatch.extraction.headline import strip_dateline

    assert strip_dateline("Beijing, May 7 (Xinhua) -- Talks opened.") == "Talks opened."
    assert (
        strip_dateline("On May 7 (Monday) he visited the farm.") == "On May 7 (Monday) he visited the farm."
    )
