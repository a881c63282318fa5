"""WarcWriter: readable by warcio, one gzip member per record, rotation, crash tolerance, threads."""

import os
import threading
from datetime import UTC, datetime

import pytest
from warcio.archiveiterator import ArchiveIterator

from wirewatch.fetching.warc import WarcLocation, WarcWriter, build_exchange, read_record

NOW = datetime(2026, 11, 27, 8, 0, 0, 123456, tzinfo=UTC)
REQUEST = {"User-Agent": "Wirewatch/test", "Accept-Encoding": "gzip, deflate"}


def write_page(writer: WarcWriter, n: int, body: bytes | None = None) -> WarcLocation:
    body = body if body is not None else f"<p>article {n} 조선</p>".encode()
    headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip")]
    return writer.append(
        build_exchange(f"http://kcna.test/a/{n}?x=1", REQUEST, 200, "OK", headers, body, NOW, ip="127.0.0.1")
    )


def records(path):
    with open(path, "rb") as stream:
        return [(r.rec_type, r.rec_headers, r.content_stream().read()) for r in ArchiveIterator(stream)]


def test_exchange_is_a_response_and_a_request_record_that_warcio_reads_back(tmp_path):
    body = bytes(range(256)) * 40  # binary bodies survive byte for byte
    with WarcWriter(tmp_path, max_bytes=10**6) as writer:
        location = write_page(writer, 1, body)
    (kind_info, _, _), (kind_resp, resp, payload), (kind_req, req, _) = records(tmp_path / location.file)
    assert (kind_info, kind_resp, kind_req) == ("warcinfo", "response", "request")
    assert payload == body
    assert resp.protocol == "WARC/1.1"
    assert resp.get_header("WARC-Target-URI") == "http://kcna.test/a/1?x=1"
    assert resp.get_header("WARC-Record-ID") == location.record_id
    assert resp.get_header("WARC-Date") == "2026-11-27T08:00:00.123456Z"
    assert resp.get_header("WARC-Payload-Digest").startswith("sha1:")
    assert resp.get_header("WARC-IP-Address") == "127.0.0.1"
    assert req.get_header("WARC-Concurrent-To") == location.record_id


def test_stored_headers_say_the_body_is_decoded_and_keep_the_original_encoding(tmp_path):
    with WarcWriter(tmp_path, max_bytes=10**6) as writer:
        location = write_page(writer, 1, b"hello")
    headers, body = read_record(tmp_path, location)
    assert body == b"hello"
    assert headers.get_header("Content-Encoding") is None
    assert headers.get_header("X-Archive-Orig-Content-Encoding") == "gzip"
    assert headers.get_header("Content-Length") == "5"
    assert headers.get_statuscode() == "200"


def test_read_record_finds_a_record_by_offset_in_a_file_still_open(tmp_path):
    writer = WarcWriter(tmp_path, max_bytes=10**6)
    locations = [write_page(writer, n) for n in range(5)]
    assert os.listdir(tmp_path) == [locations[0].file + ".open"]
    assert read_record(tmp_path, locations[3])[1] == "<p>article 3 조선</p>".encode()
    writer.close()
    assert os.listdir(tmp_path) == [locations[0].file]
    assert read_record(tmp_path, locations[3])[1] == "<p>article 3 조선</p>".encode()


def test_read_record_refuses_a_wrong_record_id_or_a_path_outside_the_directory(tmp_path):
    with WarcWriter(tmp_path, max_bytes=10**6) as writer:
        location = write_page(writer, 1)
    with pytest.raises(ValueError):
        read_record(tmp_path, WarcLocation(location.file, location.offset, "<urn:uuid:other>"))
    with pytest.raises(ValueError):
        read_record(tmp_path, WarcLocation("../" + location.file, location.offset, location.record_id))


def test_failure_is_a_metadata_record(tmp_path):
    with WarcWriter(tmp_path, max_bytes=10**6) as writer:
        location = writer.write_failure("http://kcna.test/slow", "timeout: no answer\r\nwithin 2 s", NOW)
    headers, body = read_record(tmp_path, location)
    assert headers.get_header("WARC-Type") == "metadata"
    assert headers.get_header("WARC-Target-URI") == "http://kcna.test/slow"
    assert b"fetch-error: timeout: no answer within 2 s\r\n" in body
    assert b"fetched-at: 2026-11-27T08:00:00.123456Z" in body


def test_files_rotate_at_max_bytes_and_closed_files_lose_the_open_suffix(tmp_path):
    writer = WarcWriter(tmp_path, max_bytes=3000, prefix="kcna")
    incompressible = os.urandom(2000)
    locations = [write_page(writer, n, incompressible) for n in range(3)]
    assert len({location.file for location in locations}) == 3
    names = sorted(os.listdir(tmp_path))
    assert [name.endswith(".warc.gz") for name in names] == [True, True, True]  # each closed when full
    assert all(name.startswith("kcna-") for name in names)
    assert all(os.path.getsize(tmp_path / name) < 3000 + 3000 for name in names)
    for location in locations:
        assert read_record(tmp_path, location)[1] == incompressible
    writer.close()


def test_a_truncated_last_record_leaves_earlier_records_readable(tmp_path):
    writer = WarcWriter(tmp_path, max_bytes=10**6)
    bodies = [os.urandom(3000) for _ in range(3)]
    locations = [write_page(writer, n, body) for n, body in enumerate(bodies)]
    writer.close()
    path = tmp_path / locations[0].file
    os.truncate(path, locations[2].offset + 500)  # kill -9 in the middle of the last exchange
    payloads = {}
    with open(path, "rb") as stream:
        try:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response":
                    payloads[record.rec_headers.get_header("WARC-Record-ID")] = record.content_stream().read()
        except Exception:  # noqa: BLE001 (warcio may or may not raise on the cut member; both are fine)
            pass
    assert payloads[locations[0].record_id] == bodies[0]
    assert payloads[locations[1].record_id] == bodies[1]
    assert read_record(tmp_path, locations[1])[1] == bodies[1]


def test_threads_writing_at_once_produce_whole_records(tmp_path):
    writer = WarcWriter(tmp_path, max_bytes=20000)
    locations: list[WarcLocation] = []

    def work(base: int) -> None:
        for n in range(10):
            locations.append(write_page(writer, base + n))

    threads = [threading.Thread(target=work, args=(100 * t,)) for t in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    writer.close()
    assert len(locations) == 60
    for location in locations:
        headers, body = read_record(tmp_path, location)
        assert body.startswith(b"<p>article ")
    total = sum(
        1 for name in os.listdir(tmp_path) for kind, _, _ in records(tmp_path / name) if kind == "response"
    )
    assert total == 60
