"""WARC export, import (ours and a crawler's), truncated records and crash recovery."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.factories import make_source
from tests.record.conftest import T0
from tests.sites.news import ARTICLE_RULES, Story
from wirewatch.archive.models import Article, Version
from wirewatch.archive.warcexport import export_warc
from wirewatch.archive.warcimport import import_warcs
from wirewatch.archive.warcread import ReadStats, read_warc
from wirewatch.fetching.warc import WarcWriter, build_exchange, recover_open_files
from wirewatch.watch.pipeline import poll_source

pytestmark = pytest.mark.django_db
STORIES = [
    Story(
        f"/en/article/{i}.html",
        f"Foreign Story {i}",
        [f"Pyongyang, March {i} (KCNA) -- Paragraph one of {i}.", "Paragraph two."],
        f"2026-03-0{i}",
    )  # fmt: skip
    for i in range(1, 4)
]


def crawler_warc(path: Path, base: str, *, gzip: bool = True) -> Path:
    """A WARC as a crawler writes it (request first, then response), with an image and an unknown host."""
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gzip)
        pages = [(base + s.path, s.html().encode(), "text/html; charset=utf-8") for s in STORIES]
        pages += [
            (base + "/logo.png", b"\x89PNG....", "image/png"),
            ("http://elsewhere.org/x", STORIES[0].html().replace("Foreign", "Other").encode(), "text/html"),
        ]
        for url, body, kind in pages:
            request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "x")], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
            http = StatusAndHeaders(
                "200 OK", [("Content-Type", kind), ("Content-Length", str(len(body)))], "HTTP/1.1"
            )
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          length=len(body), http_headers=http))  # fmt: skip
    return path


def test_export_writes_request_and_response_records_whose_bodies_are_what_we_extracted(
    news, polite, tmp_path
):
    news.publish(*STORIES)
    poll_source(polite, news.source)
    polite.warc.close()
    report = export_warc(datetime(2000, 1, 1, tzinfo=UTC), tmp_path / "out")
    assert report.missing == 0 and report.exchanges >= 4  # the listing and three articles (robots.txt too)
    responses, requests = {}, set()
    for path in report.files:
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                url = record.rec_headers.get_header("WARC-Target-URI")
                if record.rec_type == "response":
                    responses[url] = record.content_stream().read()
                elif record.rec_type == "request":
                    requests.add(url)
    for story in STORIES:
        url = news.site.url(story.path)
        assert responses[url] == story.html().encode() and url in requests
    version = Version.objects.select_related("fetch").get(title="Foreign Story 1")
    assert version.fetch.warc_record_id  # every version names the record it came from


@pytest.mark.parametrize("gzip", [True, False], ids=["warc.gz", "warc"])
def test_a_crawlers_warc_imports_its_articles_once_and_skips_unknown_hosts(tmp_path, capsys, gzip):
    base = "http://www.kcna.kp"
    make_source("kcna-en", "KCNA", home=base + "/en/", rules={"article": ARTICLE_RULES})
    path = crawler_warc(tmp_path / ("crawl.warc" + (".gz" if gzip else "")), base, gzip=gzip)
    lines: list[str] = []
    first = import_warcs([path], progress=lines.append)
    assert (first.new_articles, first.new_versions, first.unknown_host) == (3, 3, 1)
    assert lines and "3 new articles" in lines[-1]
    second = import_warcs([path])
    assert (second.new_articles, second.new_versions, second.already_stored) == (0, 0, 3)
    assert Article.objects.count() == 3 and Version.objects.count() == 3
    article = Article.objects.get(title="Foreign Story 2")
    assert article.url == base + "/en/article/2.html" and not article.published_is_estimate
    assert article.current_version.fetch.warc_file  # re-recorded in our own WARC files


def test_import_with_source_forces_pages_of_any_host_into_that_source(tmp_path):
    source = make_source("forced", "Forced", home="http://127.0.0.1:9/", rules={"article": ARTICLE_RULES})
    path = crawler_warc(tmp_path / "crawl.warc.gz", "http://mirror.example")
    report = import_warcs([path], source=source)
    assert report.new_articles == 4  # three stories and the unknown host's page, all under the forced source


def _warc_with_records(path: Path, count: int) -> Path:
    with WarcWriter(path.parent, prefix=path.stem) as writer:
        for i in range(count):
            writer.append(
                build_exchange(
                    f"http://x/{i}", [], 200, "OK", [("Content-Type", "text/html")], b"<p>%d</p>" % i * 50, T0
                )
            )
    return next(path.parent.glob(f"{path.stem}*.warc.gz"))


def test_a_truncated_last_record_is_skipped_by_the_reader(tmp_path):
    path = _warc_with_records(tmp_path / "w", 3)
    whole = path.read_bytes()
    for cut in (5, 60, 200):
        path.write_bytes(whole[:-cut])
        stats = ReadStats()
        urls = [r.url for r in read_warc(path, stats) if r.type == "response"]
        assert urls == ["http://x/0", "http://x/1", "http://x/2"][: len(urls)]
        assert stats.truncated + stats.unreadable >= 1


def test_recovery_cuts_a_half_written_open_file_after_its_last_whole_record_and_closes_it(tmp_path):
    path = _warc_with_records(tmp_path / "w", 2)
    damaged = path.with_name(path.name + ".open")
    damaged.write_bytes(path.read_bytes()[:-30])
    path.unlink()
    assert recover_open_files(tmp_path) == [path.name]
    stats = ReadStats()
    records = list(read_warc(path, stats))
    assert (
        stats.truncated == 0
        and [r.url for r in records if r.type == "response"]
        == ["http://x/0", "http://x/1"][: len([r for r in records if r.type == "response"])]
    )
    assert not damaged.exists()


def test_recovery_leaves_a_live_writers_open_file_alone(tmp_path):
    with WarcWriter(tmp_path) as writer:
        writer.append(build_exchange("http://x/", [], 200, "OK", [], b"body", T0))
        assert recover_open_files(tmp_path) == []
        assert list(tmp_path.glob("*.open"))
    assert Path(settings.WARC_DIR)  # the run's own directory is untouched by these tests
