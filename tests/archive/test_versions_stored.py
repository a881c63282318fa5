"""``versions_stored``'s contract as the WARC importer keeps it (archive/signals.py): items in storing order, sent
inside the transaction once all their rows exist, never the same article twice in one send; and the few
statements a batch costs."""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.archive.test_import_batches import A, paragraphs, sources, write_warc
from tests.factories import make_source
from tests.sites.news import ARTICLE_RULES, Story
from wirewatch.archive.models import Article, RecheckState, Version
from wirewatch.archive.signals import StoredVersion, versions_stored
from wirewatch.archive.warcimport import import_warcs
from wirewatch.fetching.models import Fetch

pytestmark = pytest.mark.django_db


def rows_in_place(item: StoredVersion) -> bool:
    """What the receivers may rely on: the stored rows, read back from the database."""
    article = Article.objects.get(pk=item.article.pk)
    version = Version.objects.get(pk=item.version.pk)
    return (
        article.current_version_id == version.pk
        and article.version_count == version.number
        and version.article_id == article.pk
        and Fetch.objects.filter(pk=version.fetch_id).exists()
        and (RecheckState.objects.filter(article=article).exists() or not item.created)
    )


@pytest.fixture
def sends() -> Iterator[dict[str, list]]:
    seen: dict[str, list] = {"batch": []}

    def batch(sender, *, stored: list[StoredVersion], **kwargs) -> None:
        assert all(rows_in_place(item) for item in stored)
        seen["batch"].append(list(stored))

    versions_stored.connect(batch, weak=False, dispatch_uid="test.versions_stored")
    try:
        yield seen
    finally:
        versions_stored.disconnect(dispatch_uid="test.versions_stored")


def test_one_send_per_batch_split_before_each_edit_with_every_row_in_place(tmp_path, sends):
    sources()
    import_warcs([write_warc(tmp_path / "crawl.warc.gz")], workers=0, batch=200)
    batches = sends["batch"]
    # Two edits in the one batch of 200 (stories 2 and 6): each starts a send of its own.
    assert len(batches) == 3
    assert [item.created for item in batches[1][:1] + batches[2][:1]] == [False, False]
    assert all(item.created for send in batches for item in send[1:])
    for send in batches:
        assert len({item.article.pk for item in send}) == len(send)  # no article twice in one send
    items = [item for send in batches for item in send]
    assert [item.version.pk for item in items] == list(
        Version.objects.order_by("pk").values_list("pk", flat=True)
    )


def test_a_page_equal_to_a_stored_version_sends_nothing(tmp_path, sends):
    sources()
    path = write_warc(tmp_path / "crawl.warc.gz")
    import_warcs([path], workers=0, batch=4)
    before = sum(len(send) for send in sends["batch"])
    import_warcs([path], workers=0, batch=4)
    assert before == 13 and sum(len(send) for send in sends["batch"]) == 13


def test_a_batch_of_new_pages_is_written_in_one_statement_per_table(tmp_path):
    """Page by page, each new article cost ~17 statements; a batch now writes each store table once."""
    make_source("a", "A", home=A, rules={"article": ARTICLE_RULES})
    path = tmp_path / "many.warc.gz"
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for n in range(40):
            body = Story(f"/s/{n}", f"Report {n}", paragraphs(n), "2026-03-02").html().encode()
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], "HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"{A}s/{n}", "response", payload=io.BytesIO(body),
                                                          length=len(body), http_headers=http))  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        report = import_warcs([path], workers=0, batch=40)
    assert report.new_articles == 40
    tables = ["archive_article", "archive_version", "archive_blob", "fetching_fetch", "archive_recheckstate",
              "sources_source"]  # fmt: skip
    writes = Counter(
        table
        for query in queries.captured_queries
        for table in tables
        if re.search(
            rf'\b(INSERT (OR IGNORE )?INTO|UPDATE) "?{table}"?\s', query["sql"]
        )  # "40 times: UPDATE ..."
    )
    assert writes == dict.fromkeys(tables, 1) | {"archive_article": 2}  # rows, then their current versions
