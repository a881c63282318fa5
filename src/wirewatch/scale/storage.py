"""WARC files into S3-compatible object storage (WIREWATCH_WARC_STORAGE=s3, docs/deploy.md).

Workers write WARCs to their local data directory as always (appending gzip members needs a local file);
each file, once closed under its final name, is copied to the "warc" storage (django-storages' S3Storage) by
``upload_closed``, which the worker runs every minute and when it stops. Files already there are skipped, so
running it again (or on another host) is harmless. Local copies are kept: pruning them is the operator's call.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages

log = logging.getLogger(__name__)
UPLOAD_EVERY = 60.0  # seconds


def upload_closed(directory: Path | None = None) -> list[str]:
    """Copy every closed WARC file of ``directory`` missing from the warc storage; return the names copied."""
    if settings.WARC_STORAGE != "s3":
        return []
    directory = directory or settings.WARC_DIR
    storage = storages["warc"]
    copied = []
    for path in sorted(directory.glob("*.warc.gz")):  # ".open" files are still being written
        if storage.exists(path.name):
            continue
        with path.open("rb") as body:
            storage.save(path.name, File(body, name=path.name))
        copied.append(path.name)
    return copied


def upload_periodically(stop: threading.Event) -> threading.Thread:
    """A daemon thread running upload_closed() every minute until ``stop`` is set (then once more)."""

    def loop() -> None:
        while not stop.wait(UPLOAD_EVERY):
            _upload_logged()
        _upload_logged()

    thread = threading.Thread(target=loop, name="warc-upload", daemon=True)
    thread.start()
    return thread


def _upload_logged() -> None:
    try:
        if copied := upload_closed():
            log.info("copied %d WARC file(s) to object storage", len(copied))
    except Exception:  # storage down: the files stay local and the next round tries again
        log.exception("copying WARC files to object storage failed")
