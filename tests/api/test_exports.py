import csv
import io
import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.accounts.helpers import client_for, make_user
from tests.factories import BASE_TIME, make_article, make_articles, make_source
from wirewatch.api.exports import CHUNK_SIZE
from wirewatch.archive.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return client_for(make_user("ana", "analyst"))


def bulk_articles(source, count: int) -> None:
    """Rows as a bulk insert: 5,000 articles through the factory would take the test's whole budget."""
    template = make_article(source, "Template", text="Body of the template")
    Article.objects.bulk_create(
        Article(
            source=source,
            url=f"http://127.0.0.1:9/bulk/{n}",
            title=f"Bulk {n}",
            language="en",
            published=BASE_TIME - timedelta(minutes=n + 1),
            published_from="meta",
            current_version=template.current_version,
            version_count=1,
        )
        for n in range(count - 1)
    )


def body(response) -> str:
    return b"".join(response.streaming_content).decode()


def test_csv_export_streams_five_thousand_rows_with_a_bounded_number_of_queries(analyst):
    bulk_articles(make_source(), 5000)
    with CaptureQueriesContext(connection) as queries:
        response = analyst.get("/api/v1/export.csv")
        assert response.streaming and not response.has_header("Content-Length")
        rows = list(csv.DictReader(io.StringIO(body(response))))
    assert len(rows) == 5000
    assert rows[0]["title"] == "Template" and rows[0]["text"] == "Body of the template"
    assert rows[1]["title"] == "Bulk 0" and rows[-1]["title"] == "Bulk 4998"
    # Session, user, rate counter, profile, then the rows: one query per chunk of CHUNK_SIZE, never one per row.
    assert len(queries) <= 16
    chunks = -(-5000 // CHUNK_SIZE)
    assert sum('FROM "archive_article"' in query["sql"] for query in queries.captured_queries) == chunks
    assert response["Content-Disposition"] == 'attachment; filename="wirewatch-articles.csv"'


def test_jsonl_export_has_one_object_per_line_with_the_documented_fields(analyst):
    source = make_source()
    make_article(source, "조선 headline", text="Pyongyang -- text", title_is_lead=True)
    lines = body(analyst.get("/api/v1/export.jsonl")).splitlines()
    row = json.loads(lines[0])
    assert row["title"] == "조선 headline" and row["title_is_lead"] is True and row["source"] == "naenara-en"
    assert row["published"] == "2026-02-25T09:00:00Z" and row["text"] == "Pyongyang -- text"


def test_exports_take_the_same_filters_as_the_article_list(analyst):
    make_articles(make_source(), 3)
    make_articles(make_source("rodong-ko", "Rodong Sinmun", "Ko", "ko"), 2)
    assert len(body(analyst.get("/api/v1/export.jsonl", {"source": "rodong-ko"})).splitlines()) == 2
    assert len(body(analyst.get("/api/v1/export.jsonl", {"lang": "EN"})).splitlines()) == 3


def test_a_bad_filter_is_a_json_400_before_any_row(analyst):
    response = analyst.get("/api/v1/export.csv", {"lang": "<script>"})
    assert response.status_code == 400 and "lang" in response.json()["error"]
    assert analyst.get("/api/v1/export.csv", {"q": '"open quote'}).status_code == 400  # the search language


def test_an_empty_export_is_just_the_header(analyst):
    assert body(analyst.get("/api/v1/export.csv")).strip() == (
        "id,published,published_is_estimate,source,language,title,title_is_lead,original_url,removed_at,text"
    )
    assert body(analyst.get("/api/v1/export.jsonl")) == ""


def test_csv_cells_that_spreadsheets_would_run_as_formulas_are_defused(analyst):
    make_article(make_source(), '=HYPERLINK("http://evil.example","x")')
    rows = list(csv.DictReader(io.StringIO(body(analyst.get("/api/v1/export.csv")))))
    assert rows[0]["title"].startswith("'=")


def test_the_export_page_shows_the_row_count_and_links_with_the_same_filters(analyst):
    make_articles(make_source(), 3)
    page = analyst.get("/export/", {"lang": "en"}).content.decode()
    assert "3 articles match these filters" in page
    assert 'href="/api/v1/export.csv?lang=en"' in page and 'href="/api/v1/export.jsonl?lang=en"' in page


def test_exports_only_answer_get(analyst):
    assert analyst.post("/api/v1/export.csv").status_code in (403, 405)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="server-side cursors: PostgreSQL only")
def test_an_export_nobody_reads_to_the_end_leaves_no_cursor_open(analyst):
    # An open server-side cursor would be closed by the garbage collector at any moment, possibly inside
    # another query on the same connection, where psycopg deadlocks (seen once in the PostgreSQL pass).
    bulk_articles(make_source(), CHUNK_SIZE + 10)
    response = analyst.get("/api/v1/export.jsonl")
    assert next(iter(response.streaming_content))  # started, then abandoned
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_cursors")
        assert cursor.fetchone()[0] == 0
