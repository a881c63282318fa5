"""decode_body: declarations first, but only when they decode; detection when they lie; never an exception."""

import codecs

from wirewatch.fetching.decoding import decode_body, normalise_charset

KOREAN = (
    "<html><head><title>조선중앙통신</title></head><body><p>김정은동지께서 현지지도하시였다. "
    "로동신문은 력사적인 령도를 전하였다. 똠방각하 뷁 햏</p></body></html>"
)
JAPANESE = "<html><body><p>朝鮮中央通信社によると、金正恩総書記は新しい工場を現地指導した。</p></body></html>"


def test_euc_kr_meta_charset_decodes_cp949_only_syllables():
    # 똠, 뷁, 햏 are not in EUC-KR (KS X 1001) but are in CP949; real pages labelled euc-kr use them.
    page = KOREAN.replace(
        "<head>", '<head><meta http-equiv="Content-Type" content="text/html; charset=euc-kr">'
    )
    assert decode_body(page.encode("cp949"), "text/html") == page


def test_html5_meta_charset_is_read():
    page = KOREAN.replace("<head>", '<head><meta charset="EUC-KR">')
    assert decode_body(page.encode("cp949"), None) == page


def test_http_charset_wins_over_meta_when_it_decodes():
    page = '<meta charset="shift_jis">' + KOREAN
    assert decode_body(page.encode("utf-8"), "text/html; charset=UTF-8") == page


def test_cp949_bytes_declared_as_utf8_are_detected():
    assert decode_body(KOREAN.encode("cp949"), "text/html; charset=utf-8") == KOREAN


def test_shift_jis_bytes_declared_as_utf8_are_detected():
    assert decode_body(JAPANESE.encode("shift_jis"), "text/html; charset=UTF-8") == JAPANESE


def test_bom_beats_a_wrong_http_charset():
    assert decode_body(codecs.BOM_UTF8 + "Пхеньян".encode(), "text/html; charset=windows-1251") == "Пхеньян"


def test_utf16_with_bom_decodes():
    assert decode_body("평양 الأخبار".encode("utf-16"), None) == "평양 الأخبار"


def test_undeclared_utf8_arabic_decodes():
    text = "<p>وكالة الأنباء المركزية الكورية: زعيم كوريا الديمقراطية يتفقد مصنعا جديدا</p>"
    assert decode_body(text.encode("utf-8"), "text/html") == text


def test_labels_widen_to_the_superset_browsers_use():
    assert normalise_charset("EUC-KR") == "cp949"
    assert normalise_charset("ks_c_5601-1987") == "cp949"
    assert normalise_charset("Shift_JIS") == "cp932"
    assert normalise_charset("gb2312") == "gb18030"
    assert normalise_charset("iso-8859-1") == "cp1252"
    assert normalise_charset("no-such-charset") is None


def test_hostile_bodies_give_text_not_exceptions():
    assert decode_body(b"", "text/html") == ""
    assert isinstance(decode_body(bytes(range(256)) * 100, "text/html; charset=bogus"), str)
    assert isinstance(decode_body(b"\xff\xfe\x00", 'text/html; charset="'), str)
    assert isinstance(decode_body(b"<meta charset=\xff\xff>\x80\x81", "\x00;;charset=="), str)
