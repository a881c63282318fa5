import pytest

from tests.accounts.helpers import client_for, make_user
from tests.hostile.content.archive import serve_and_ingest
from wirewatch.alerts.matching import process_queue
from wirewatch.alerts.models import Subscription
from wirewatch.fetching.client import PoliteClient


@pytest.fixture
def hostile(site, shared_dir):
    """The hostile archive, with saved searches (e-mail alerts) made first, so the matcher alerts on it."""
    owner = make_user("watcher", "analyst")
    for query in ("alert", "Evil", "reporter"):
        Subscription.objects.create(owner=owner, kind=Subscription.Kind.SEARCH, query=query,
                                    name=f"<b>{query}</b>", email="watcher@example.org")  # fmt: skip
    with PoliteClient(timeout=5) as polite:
        archive = serve_and_ingest(site, polite, shared_dir)
    process_queue()  # the matcher stage the alert dispatcher runs after each commit
    return archive


@pytest.fixture
def admin_client():
    """An admin sees every page (the admin included), so every place a title can be shown is reached."""
    return client_for(make_user("boss", "admin"))
