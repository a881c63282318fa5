"""The work of scale-out mode as Dramatiq actors: the same stage functions as `wirewatch watch`, queued.

``poll`` runs watch/pipeline.py's poll_source with a ``fetch_all`` that queues one ``fetch`` per new article
instead of fetching in the poll's thread; ``fetch`` runs pipeline.fetch_article. Workers on any host take
messages from Redis; the fetcher's RedisHostLimiter keeps each source host at one request in flight with the
source's delay between requests, whichever worker sends them.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import threading
from datetime import datetime
from functools import cache

import dramatiq
import redis
from django.conf import settings
from django.db import close_old_connections
from dramatiq.brokers.redis import RedisBroker

from wirewatch.discovery import Candidate
from wirewatch.fetching.client import PoliteClient
from wirewatch.fetching.warc import WarcWriter, recover_open_files
from wirewatch.scale.limiter import LEASE_TTL, RedisHostLimiter, connect, exclusive
from wirewatch.sources.models import Source
from wirewatch.watch.discover import known_urls
from wirewatch.watch.loop import _poll_safely
from wirewatch.watch.pipeline import PollReport, fetch_article
from wirewatch.watch.recheck import recheck_due_safely

log = logging.getLogger(__name__)
NAMESPACE = f"{settings.REDIS_PREFIX}-tasks"
HOUR_MS = 3_600_000
MAINTAIN_EVERY = 5.0  # seconds between two looks for a dead worker's unacknowledged messages


def redis_url() -> str:
    if not settings.REDIS_URL:
        raise RuntimeError("scale-out mode needs REDIS_URL (see docs/deploy.md)")
    return settings.REDIS_URL


class Broker(RedisBroker):
    """Dramatiq's Redis broker, plus ``maintain``: give back a dead worker's messages now, not by chance.

    A worker killed with messages in hand (kill -9, OOM, power) leaves them in its "acks" set; only the
    broker's maintenance moves them back to the queue, once the worker's heartbeat is older than
    ``heartbeat_timeout`` (60 s). Dramatiq runs maintenance on 0.1 % of commands, chosen at random: with
    an idle worker polling a queue about once a second, that is a quarter of an hour on average, so the
    messages of a killed worker would sit there for that long. Workers call ``maintain`` every few seconds.
    """

    def __init__(self, **options: object) -> None:
        super().__init__(**options)
        self._forced = threading.local()

    def maintain(self, queue_name: str) -> None:
        """One command on ``queue_name`` with maintenance on (qsize: it only reads)."""
        self._forced.on = True
        try:
            self.do_qsize(queue_name)
        finally:
            self._forced.on = False

    def _should_do_maintenance(self, command: str) -> int:
        if getattr(self._forced, "on", False):
            return 1
        return super()._should_do_maintenance(command)

    def _dispatch(self, command: str):
        """Dramatiq's queue commands, with a Redis that did not answer in time reported as a connection error:
        Dramatiq handles those as "the broker is away" (its consumers log one line and reconnect, a failed ack
        is retried), while a TimeoutError would be "an unexpected error" with a traceback every few seconds."""
        call = super()._dispatch(command)

        def dispatch(queue_name: str, *args: object) -> object:
            try:
                return call(queue_name, *args)
            except redis.exceptions.TimeoutError as exc:
                raise redis.exceptions.ConnectionError(f"Redis did not answer in time: {exc}") from exc

        return dispatch


def make_broker(url: str) -> Broker:
    """The broker on ``url``, through limiter.connect: with Dramatiq's own ``url=``, its pool gets none of our
    timeouts (only redis-py's defaults: none at all in older versions, so a Redis that hangs blocks for ever)."""
    return Broker(client=connect(url), namespace=NAMESPACE)


broker = make_broker(settings.REDIS_URL or "redis://127.0.0.1:6379/0")
dramatiq.set_broker(broker)


@cache
def redis_client() -> redis.Redis:  # one connection pool per process, shared by its worker threads
    return connect(redis_url())


@cache
def shared_client() -> PoliteClient:
    """One fetcher per worker process (thread-safe); its limiter is shared with every other worker."""
    recover_open_files(
        settings.WARC_DIR
    )  # files a killed worker left half-written (live writers' are locked)
    warc = WarcWriter(settings.WARC_DIR, settings.WIREWATCH["WARC_MAX_BYTES"], prefix=f"wirewatch-{_node()}")
    return PoliteClient(warc=warc, limiter=RedisHostLimiter(redis_client()))


def _node() -> str:
    """This worker's WARC file prefix: files of workers sharing a directory (or a bucket) never collide."""
    return f"{socket.gethostname()}-{os.getpid()}"


def queue_fetches(
    client: PoliteClient, source: Source, candidates: list[Candidate], report: PollReport
) -> int:
    """poll_source's ``fetch_all`` in scale-out mode: one message per article, oldest first."""
    for candidate in candidates:
        published = candidate.published.isoformat() if candidate.published else None
        fetch.send(source.pk, candidate.url, published, candidate.title)
    report.new_articles = len(candidates)  # queued, not yet stored: the status line says "N new of M"
    return 0


@dramatiq.actor(queue_name="poll", max_retries=0, time_limit=HOUR_MS)
def poll(source_id: int) -> None:
    """Discover a source's new articles and queue them; then re-check its due articles (as the watcher does)."""
    close_old_connections()
    try:
        source = Source.objects.filter(pk=source_id, enabled=True).first()
        if source is None:
            return
        with exclusive(redis_client(), f"poll:{source_id}") as held:
            if not held:  # another worker is polling it right now
                return
            _poll_safely(shared_client(), source, fetch_all=queue_fetches)
            recheck_due_safely(shared_client(), source)
    finally:
        close_old_connections()


@dramatiq.actor(queue_name="fetch", max_retries=3, time_limit=HOUR_MS)
def fetch(source_id: int, url: str, published: str | None, title: str | None) -> None:
    """Fetch, extract and store one article, unless another worker holds it or it is already stored."""
    close_old_connections()
    try:
        source = Source.objects.filter(pk=source_id).first()
        if source is None:
            return
        key = hashlib.sha256(f"{source_id} {url}".encode()).hexdigest()
        with exclusive(redis_client(), f"article:{key}") as held:
            # Checked under the lock: a message queued twice (two polls) finds the first one's stored article.
            if known_urls(source, [url]):
                return
            if not held:
                # Another worker has it, or one that was killed still does for up to LEASE_TTL seconds: ask
                # again later rather than drop it (when it is stored by then, the retry returns above).
                fetch.send_with_options(args=(source_id, url, published, title), delay=LEASE_TTL * 2000)
                return
            when = datetime.fromisoformat(published) if published else None
            outcome = fetch_article(shared_client(), source, Candidate(url, when, title))
            if outcome.error:
                log.warning("fetch failed: %s", outcome.error)
    finally:
        close_old_connections()
