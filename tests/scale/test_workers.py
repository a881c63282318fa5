"""A scheduler and two worker processes against PostgreSQL + Redis and 1,000 articles on four local hosts."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import make_source
from tests.sites.news import Story, sitemap
from tests.sites.server import LocalSite, Page
from wirewatch.archive.models import Article

HOSTS = ["127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4"]
PER_HOST = 250
DELAY = 0.02


def _serve_articles(site: LocalSite, number: int) -> list[str]:
    paths = [f"/news/{number}-{i}.html" for i in range(PER_HOST)]
    for i, path in enumerate(paths):
        words = f"Story {i} from host {number}: the delegation met the workers of the complex."
        site.routes[path] = Page(Story(path, f"Headline {number}-{i}", [words, words[::-1]]).html())
    site.routes["/sitemap.xml"] = Page(sitemap(site, paths), headers={"Content-Type": "application/xml"})
    return paths


def _database_url(settings_dict: dict) -> str:
    user = quote(settings_dict["USER"] or "")
    password = f":{quote(settings_dict['PASSWORD'])}" if settings_dict.get("PASSWORD") else ""
    host, port = settings_dict["HOST"] or "localhost", settings_dict["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


def _start(command: list[str], settings_dict: dict) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": _database_url(settings_dict), "REDIS_URL": settings.REDIS_URL}
    code = "import sys; from wirewatch.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.Popen([sys.executable, "-c", code, *command], env=env)


def _wait_for(count: int, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while (stored := Article.objects.count()) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    return stored


@pytest.fixture
def four_hosts():
    sites = [LocalSite(host).start() for host in HOSTS]
    yield sites
    for site in sites:
        site.stop()


def _min_gap(site: LocalSite) -> float:
    starts = sorted(hit.at for hit in site.hits)
    return min(b - a for a, b in zip(starts, starts[1:], strict=False))


def test_two_workers_fetch_each_article_once_politely_and_the_web_sees_them(scale_services, four_hosts):
    for number, site in enumerate(four_hosts):
        _serve_articles(site, number)
        make_source(
            slug=f"host-{number}", home=site.url("/"), sitemaps=[site.url("/sitemap.xml")], delay=DELAY
        )
    workers = [_start(["worker", "--threads", "4"], scale_services) for _ in range(2)]
    try:
        started = time.monotonic()
        scheduler = _start(["scheduler", "--once"], scale_services)
        assert scheduler.wait(timeout=60) == 0
        stored = _wait_for(len(HOSTS) * PER_HOST, timeout=180)
        elapsed = time.monotonic() - started
        print(f"{stored} articles stored by 2 workers in {elapsed:.1f} s ({stored / elapsed:.0f}/s)")
        time.sleep(1.0)  # a duplicate fetch would land now
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=90)
    assert stored == len(HOSTS) * PER_HOST
    for site in four_hosts:
        article_hits = Counter(hit.path for hit in site.hits if hit.path.startswith("/news/"))
        assert len(article_hits) == PER_HOST and set(article_hits.values()) == {1}
        assert site.max_in_flight == 1
        assert _min_gap(site) >= DELAY
    response = Client().get("/api/v1/articles", {"source": "host-3", "limit": "5"})
    assert response.status_code == 200
    assert "Headline 3-" in response.content.decode()
