"""A web host without the workers' WARC directory serves a version's raw capture from the bucket.

Against moto's S3 server (real HTTP on loopback), through the API endpoint that serves the capture.
"""

import gzip
import html
import io
import shutil
from datetime import UTC, datetime

import boto3
import pytest
from botocore.config import Config
from django.test import Client
from warcio.archiveiterator import ArchiveIterator

from tests.factories import make_source
from wirewatch.archive.store import store_extracted
from wirewatch.extraction import Extracted
from wirewatch.fetching.records import Attempt, record_attempt
from wirewatch.fetching.warc import WarcWriter, build_exchange
from wirewatch.scale.storage import upload_closed

pytestmark = pytest.mark.django_db
BUCKET = "wirewatch-test-capture"
PAGE = "<html><body><p>Pyongyang, November 27 (KCNA) -- 조선 capture.</p></body></html>".encode()


@pytest.fixture
def bucket(settings, tmp_path):
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    keys = {"aws_access_key_id": "test", "aws_secret_access_key": "test", "region_name": "us-east-1"}
    boto3.client("s3", endpoint_url=endpoint, **keys).create_bucket(Bucket=BUCKET)
    options = {"bucket_name": BUCKET, "endpoint_url": endpoint, "access_key": "test", "secret_key": "test"}
    options |= {"region_name": "us-east-1", "location": "warc", "file_overwrite": False}
    # Fail fast when the server is gone instead of boto's default retries with backoff.
    options |= {"client_config": Config(retries={"total_max_attempts": 1})}
    settings.STORAGES = {
        **settings.STORAGES,
        "warc": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
    }
    settings.WARC_STORAGE = "s3"
    settings.WARC_DIR = tmp_path / "worker-warc"
    yield server
    server.stop()


def _fetched_article(directory):
    """A worker's fetch: three exchanges in one WARC file (ours in the middle), its Fetch row, the article."""
    at = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    with WarcWriter(directory, 10_000_000) as writer:
        writer.append(build_exchange("http://example.test/before", [], 200, "OK", [], b"<p>before</p>", at))
        location = writer.append(build_exchange(
            "http://example.test/a", [("User-Agent", "Wirewatch")], 200, "OK",
            [("Content-Type", "text/html; charset=utf-8")], PAGE, at,
        ))  # fmt: skip
        writer.append(
            build_exchange("http://example.test/after", [], 200, "OK", [], b"<p>after</p>" * 5000, at)
        )
    source = make_source()
    fetch_id = record_attempt(
        Attempt(url="http://example.test/a", purpose="article", source_id=source.pk, at=at, status_code=200,
                body_bytes=len(PAGE), warc=location)
    )  # fmt: skip
    text = "Pyongyang, November 27 (KCNA) -- 조선 capture."
    extracted = Extracted("Capture", False, text, f"<p>{text}</p>", "", at, "meta", "en", "rules", True)
    stored = store_extracted(source, "http://example.test/a", extracted, fetch_id=fetch_id, fetched_at=at)
    return stored.article, location


def _the_record(member: bytes):
    record = next(iter(ArchiveIterator(io.BytesIO(member))))
    return record.rec_headers.get_header("WARC-Record-ID"), record.content_stream().read()


def test_a_web_host_without_the_warc_file_serves_the_capture_from_the_bucket(bucket, settings, tmp_path):
    article, location = _fetched_article(settings.WARC_DIR)
    assert upload_closed() == [location.file]
    original = (settings.WARC_DIR / location.file).read_bytes()
    settings.WARC_DIR = tmp_path / "web-host-warc"  # the web host: an empty data directory, no NFS

    response = Client().get(f"/api/v1/articles/{article.pk}/versions/1/capture")

    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/gzip"
    member = response.content
    assert original[location.offset : location.offset + len(member)] == member  # the stored bytes, exactly
    assert len(member) < len(original) - location.offset  # one record, not the rest of the file
    assert _the_record(member) == (location.record_id, PAGE)
    assert gzip.decompress(member).startswith(b"WARC/1.1\r\n")
    assert not (settings.WARC_DIR / location.file).exists()  # nothing downloaded to the web host


def test_the_local_file_is_read_first_and_the_bucket_is_not_needed(bucket, settings):
    article, location = _fetched_article(settings.WARC_DIR)  # written, never uploaded
    bucket.stop()
    response = Client().get(f"/api/v1/articles/{article.pk}/versions/1/capture/")
    assert response.status_code == 200
    assert _the_record(response.content) == (location.record_id, PAGE)


def test_a_capture_in_neither_place_is_a_clear_404_not_a_500(bucket, settings, tmp_path):
    article, location = _fetched_article(settings.WARC_DIR)  # never uploaded
    shutil.rmtree(settings.WARC_DIR)
    response = Client().get(f"/api/v1/articles/{article.pk}/versions/1/capture")
    assert response.status_code == 404 and response["Cache-Control"] == "no-store"
    message = response.json()["error"]
    assert location.file in message and "neither the data directory nor object storage" in message


def test_an_unreachable_bucket_is_a_503_with_retry_after(bucket, settings):
    article, location = _fetched_article(settings.WARC_DIR)
    upload_closed()
    shutil.rmtree(settings.WARC_DIR)
    bucket.stop()
    response = Client().get(f"/api/v1/articles/{article.pk}/versions/1/capture")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "object storage" in response.json()["error"]


def test_a_record_id_that_does_not_match_is_refused(bucket, settings, tmp_path):
    article, location = _fetched_article(settings.WARC_DIR)
    upload_closed()
    settings.WARC_DIR = tmp_path / "web-host-warc"
    article.current_version.fetch.__class__.objects.filter(warc_record_id=location.record_id).update(
        warc_offset=0  # the warcinfo record at the start of the file: another record
    )
    response = Client().get(f"/api/v1/articles/{article.pk}/versions/1/capture")
    assert response.status_code == 404 and location.record_id in response.json()["error"]


def test_a_version_without_a_capture_or_an_unknown_version_is_a_404(settings):
    settings.WARC_STORAGE = "local"
    source = make_source()
    text = "Pyongyang -- no fetch row."
    extracted = Extracted("No fetch", False, text, f"<p>{text}</p>", "", None, "meta", "en", "rules", True)
    article = store_extracted(source, "http://example.test/b", extracted).article
    assert Client().get(f"/api/v1/articles/{article.pk}/versions/1/capture").status_code == 404
    assert Client().get(f"/api/v1/articles/{article.pk}/versions/9/capture").status_code == 404
    assert (
        "no raw capture" in Client().get(f"/api/v1/articles/{article.pk}/versions/1/capture").json()["error"]
    )


def test_the_history_page_links_each_version_to_its_raw_capture(bucket, settings):
    article, location = _fetched_article(settings.WARC_DIR)
    page = Client().get(f"/articles/{article.pk}/history/").content.decode()
    link = f'href="/api/v1/articles/{article.pk}/versions/1/capture"'
    assert link in page and html.escape(location.record_id) in page
    response = Client().get(f"/api/v1/articles/{article.pk}/versions/1/capture")
    assert _the_record(response.content) == (location.record_id, PAGE)
