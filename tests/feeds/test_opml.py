import pytest
from defusedxml.ElementTree import fromstring

from tests.factories import make_source
from wirewatch.cli import main
from wirewatch.feeds.opml import import_opml
from wirewatch.sources.models import Source
from wirewatch.sources.services import add_source

pytestmark = pytest.mark.django_db

FIELDS = ("slug", "name", "edition", "language", "timezone", "home", "feeds", "listings", "sitemaps")


def definitions() -> list[tuple]:
    return [tuple(getattr(source, field) for field in FIELDS) for source in Source.objects.order_by("slug")]


def test_opml_export_lists_every_source_with_its_feed(client):
    add_source("KCNA", "En", "en", feeds=["http://kcna.example/en/rss.xml"], timezone="Asia/Pyongyang")
    make_source("rodong-ko", "Rodong Sinmun", "Ko", "ko", listings=["http://rodong.example/ko/list"])
    response = client.get("/sources/opml")
    assert response["Content-Type"].startswith("text/x-opml")
    outlines = fromstring(response.content).findall("body/outline")
    assert [o.get("text") for o in outlines] == ["KCNA (En)", "Rodong Sinmun (Ko)"]
    assert outlines[0].get("xmlUrl") == "http://kcna.example/en/rss.xml"
    assert (
        outlines[1].get("xmlUrl") is None
        and outlines[1].get("wirewatchListings") == "http://rodong.example/ko/list"
    )


def test_opml_round_trip_restores_the_same_sources(client):
    add_source(
        "KCNA",
        "En",
        "en",
        feeds=["http://kcna.example/en/rss.xml", "http://kcna.example/b.xml"],
        home="http://kcna.example/",
        timezone="Asia/Pyongyang",
    )
    add_source(
        "Naenara",
        "Ar",
        "ar",
        listings=["http://naenara.example/ar/"],
        sitemaps=["http://naenara.example/s.xml"],
    )
    before = definitions()
    exported = client.get("/sources/opml").content
    Source.objects.all().delete()
    report = import_opml(exported)
    assert all(line.ok for line in report) and len(report) == 2
    assert definitions() == before


def test_a_feed_readers_opml_imports_with_a_report_per_outline():
    opml = b"""<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>
      <outline text="News"><outline text="Good feed" type="rss" xmlUrl="http://good.example/feed"/>
      <outline text="Bad feed" type="rss" xmlUrl="javascript:alert(1)"/></outline>
      <outline text="Only a folder"/></body></opml>"""
    report = import_opml(opml, language="en")
    assert [(line.label, line.ok) for line in report] == [("Good feed", True), ("Bad feed", False)]
    assert "not an http(s) URL" in report[1].message
    assert Source.objects.get().feeds == ["http://good.example/feed"]


def test_outlines_without_a_language_are_reported_not_guessed():
    report = import_opml(
        b'<opml version="2.0"><body><outline text="F" xmlUrl="http://f.example/x"/></body></opml>'
    )
    assert not report[0].ok and "--language" in report[0].message


@pytest.mark.parametrize(
    "data",
    [
        b"not xml at all",
        b"<html><body/></html>",
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><opml><body>&b;</body></opml>',
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]><opml><body>&x;</body></opml>',
    ],
)
def test_hostile_or_foreign_files_are_refused_with_a_clear_error(data):
    with pytest.raises(ValueError):
        import_opml(data)


def test_cli_import_opml_prints_the_report_and_fails_when_an_outline_failed(tmp_path, capsys):
    path = tmp_path / "feeds.opml"
    path.write_bytes(
        b'<opml version="2.0"><body><outline text="A" language="en" xmlUrl="http://a.example/f"/>'
        b'<outline text="B" language="en" xmlUrl="ftp://b.example/f"/></body></opml>'
    )
    assert main(["sources", "import-opml", str(path)]) == 1
    captured = capsys.readouterr()
    assert "outline 1 (A): ok: registered as a-main" in captured.out
    assert "outline 2 (B): error" in captured.err
    assert main(["sources", "import-opml", str(tmp_path / "missing.opml")]) == 2
    path.write_bytes(b"<oops")
    assert main(["sources", "import-opml", str(path)]) == 2
