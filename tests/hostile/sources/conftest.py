"""A watcher set up for hostile sources: short timeout, 8 MB cap, WARC on; and a streaming server."""

import pytest

from tests.sites.server import LocalSite
from tests.sites.streaming import StreamingSite
from wirewatch.fetching.client import PoliteClient
from wirewatch.fetching.warc import WarcWriter


@pytest.fixture
def client(tmp_path):
    writer = WarcWriter(tmp_path / "warc", max_bytes=50 * 1024 * 1024)
    with PoliteClient(timeout=1.5, max_bytes=8 * 1024 * 1024, max_redirects=3, warc=writer) as polite:
        yield polite
    writer.close()


@pytest.fixture
def stream_site():
    local = StreamingSite().start()
    yield local
    local.stop()


@pytest.fixture
def few_articles(settings):
    """Hostile feeds list thousands of links; fetching three of them proves the path."""
    settings.WIREWATCH = {**settings.WIREWATCH, "MAX_ARTICLES_PER_POLL": 3}


@pytest.fixture
def other_site():
    """A second host (another port): the normal source, beside the attackers."""
    local = LocalSite().start()
    yield local
    local.stop()
