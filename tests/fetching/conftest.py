"""Fixtures for the fetcher's tests: a client with its own WARC directory, and a hostile streaming server."""

import pytest

from tests.sites.server import LocalSite
from tests.sites.streaming import StreamingSite
from wirewatch.fetching.client import PoliteClient
from wirewatch.fetching.warc import WarcWriter


@pytest.fixture
def warc(tmp_path):
    writer = WarcWriter(tmp_path / "warc", max_bytes=10 * 1024 * 1024)
    yield writer
    writer.close()


@pytest.fixture
def client(warc):
    """Short timeouts and waits, so that every test stays fast; WARC on; robots obeyed."""
    with PoliteClient(
        timeout=2, max_bytes=1024 * 1024, max_redirects=3, max_retry_wait=3, warc=warc
    ) as polite:
        yield polite


@pytest.fixture
def other_site():
    """A second host (another port), for tests about hosts not blocking each other."""
    local = LocalSite().start()
    yield local
    local.stop()


@pytest.fixture
def stream_site():
    local = StreamingSite().start()
    yield local
    local.stop()
