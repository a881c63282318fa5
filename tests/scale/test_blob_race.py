"""Two PostgreSQL writers storing the same new text at once: both succeed, one blob row (SQLite serialises writers,
PostgreSQL runs them side by side, so only this pass can show the race)."""

from __future__ import annotations

import threading
import time
import uuid

from django.db import connection, transaction

from wirewatch.archive.models import Blob


def test_two_writers_interning_the_same_new_text_at_once_both_get_the_one_blob(scale_services):
    text = f"Pyongyang, November 27 (KCNA) -- the same report twice {uuid.uuid4()}."
    first_inserted, commit_first = threading.Event(), threading.Event()
    outcomes: dict[str, object] = {}

    def first() -> None:
        try:
            with transaction.atomic():  # inserted, not yet committed: the second writer cannot see it
                outcomes["first"] = Blob.intern(text).digest
                first_inserted.set()
                commit_first.wait(10)
        finally:
            connection.close()

    def second() -> None:
        first_inserted.wait(10)
        try:
            with transaction.atomic():
                outcomes["second"] = Blob.intern(text).digest
        except Exception as exc:  # what the old check-then-create raised: IntegrityError on the primary key
            outcomes["second"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_inserted.wait(10)
    time.sleep(0.5)  # the second writer is now waiting on the first one's uncommitted row
    commit_first.set()
    for thread in threads:
        thread.join(timeout=20)
    digest = Blob.digest_of(text)
    assert outcomes == {"first": digest, "second": digest}
    assert Blob.objects.filter(pk=digest).count() == 1
