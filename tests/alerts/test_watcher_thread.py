"""``wirewatch watch`` (and so ``wirewatch demo``) delivers alerts from a thread beside its polls."""

import threading
import time

import pytest
from django.core import mail

from tests.accounts.helpers import make_user
from tests.alerts.helpers import saved_search, store
from tests.factories import make_source
from wirewatch.alerts.models import Delivery
from wirewatch.watch.loop import Watcher


@pytest.mark.django_db(transaction=True)
def test_the_watcher_matches_and_mails_a_stored_article_within_a_moment(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    saved_search(make_user("ana", "analyst"), "missile")
    watcher = Watcher(tick=0.1)
    running = threading.Thread(target=watcher.run)
    running.start()
    try:
        store(make_source(enabled=False), "Launch", "A missile was launched.")
        deadline = time.monotonic() + 20
        while not Delivery.objects.filter(status="sent").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        watcher.stop.set()
        running.join(timeout=30)
    assert not running.is_alive()
    assert [message.subject for message in mail.outbox] == ["[Wirewatch] missile: match — Launch"]
