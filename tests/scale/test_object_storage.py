"""WARC files copied to S3-compatible storage: against moto's S3 server, a real HTTP endpoint on loopback."""

from datetime import UTC, datetime

import boto3
import pytest
from django.core.files.storage import storages

from wirewatch.fetching.warc import WarcWriter, build_exchange
from wirewatch.scale.storage import upload_closed
from wirewatch.serving.doctor import check_warc_storage

BUCKET = "wirewatch-test-warc"


@pytest.fixture
def s3(settings, tmp_path):
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    keys = {"aws_access_key_id": "test", "aws_secret_access_key": "test", "region_name": "us-east-1"}
    boto3.client("s3", endpoint_url=endpoint, **keys).create_bucket(Bucket=BUCKET)
    options = {"bucket_name": BUCKET, "endpoint_url": endpoint, "access_key": "test", "secret_key": "test"}
    options |= {"region_name": "us-east-1", "location": "warc", "file_overwrite": False}
    settings.STORAGES = {
        **settings.STORAGES,
        "warc": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
    }
    settings.WARC_STORAGE = "s3"
    settings.WARC_DIR = tmp_path / "warc"
    yield storages["warc"]
    server.stop()


def _write_one_warc(directory) -> str:
    with WarcWriter(directory, 10_000_000) as writer:
        location = writer.append(
            build_exchange(
                "http://example.test/a",
                [],
                200,
                "OK",
                [("Content-Type", "text/html")],
                b"<p>hi</p>",
                datetime.now(UTC),
            )
        )
    return location.file


def test_closed_warc_files_are_copied_to_the_bucket_once(s3, settings):
    name = _write_one_warc(settings.WARC_DIR)
    (settings.WARC_DIR / "still-writing.warc.gz.open").write_bytes(b"partial")
    assert upload_closed() == [name]
    with s3.open(name, "rb") as stored:
        assert stored.read() == (settings.WARC_DIR / name).read_bytes()
    assert upload_closed() == []  # already there: nothing copied twice


def test_doctor_checks_the_bucket_is_writable(s3, settings):
    assert check_warc_storage().status == "OK"
    settings.STORAGES = {
        **settings.STORAGES,
        "warc": {
            **settings.STORAGES["warc"],
            "OPTIONS": {**settings.STORAGES["warc"]["OPTIONS"], "bucket_name": "missing"},
        },
    }
    assert check_warc_storage().status == "FAIL"
