"""The rendered-page cache: correct invalidation through the real store path, per-user pages kept out of it,
and one render for a burst of requests on a cold page (threads and processes)."""

from __future__ import annotations

import multiprocessing
import threading
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.accounts.helpers import client_for, make_user
from tests.factories import BASE_TIME, make_article, make_source
from wirewatch.archive.store import store_extracted
from wirewatch.extraction.article import Extracted
from wirewatch.serving import cache
from wirewatch.serving.markers import article_markers

pytestmark = pytest.mark.django_db


def extracted(
    title: str, published: datetime, text: str = "Pyongyang (KCNA) -- A stored article."
) -> Extracted:
    return Extracted(
        title=title,
        title_is_lead=False,
        text=text,
        html=f"<p>{text}</p>",
        byline="",
        published=published,
        published_from="meta",
        language="en",
        extracted_by="rules",
        rules_matched=True,
    )


@pytest.fixture(autouse=True)
def _count_from_zero():
    cache.RENDERS.clear()


def renders_of(article) -> int:
    return cache.RENDERS[article_markers(article.pk).key]


def test_a_repeated_anonymous_request_is_served_from_the_cache_without_rendering(client):
    article = make_article(make_source(), "Cached headline")
    first = client.get(f"/articles/{article.pk}/")
    second = client.get(f"/articles/{article.pk}/")
    assert first.content == second.content
    assert b"Cached headline" in second.content
    assert renders_of(article) == 1


def test_a_new_article_stored_shows_at_once_in_the_rail_of_its_sources_cached_pages(client):
    source, other = make_source(), make_source("kcna-en", "KCNA")
    article = make_article(source, "Older article", published=BASE_TIME)
    elsewhere = make_article(other, "Other source article", published=BASE_TIME)
    for page in (article, elsewhere):
        assert b"Fresh rail item" not in client.get(f"/articles/{page.pk}/").content
    store_extracted(
        source, "http://127.0.0.1:9/new", extracted("Fresh rail item", BASE_TIME + timedelta(hours=1))
    )
    assert b"Fresh rail item" in client.get(f"/articles/{article.pk}/").content
    client.get(f"/articles/{elsewhere.pk}/")
    assert renders_of(elsewhere) == 1  # another source's pages keep their cached copy


def test_a_new_version_replaces_the_cached_body(client):
    source = make_source()
    url = "http://127.0.0.1:9/edited"
    stored = store_extracted(source, url, extracted("Headline", BASE_TIME, "First wording of the text."))
    assert b"First wording" in client.get(f"/articles/{stored.article.pk}/").content
    store_extracted(source, url, extracted("Headline", BASE_TIME, "Second wording of the text."))
    body = client.get(f"/articles/{stored.article.pk}/").content
    assert b"Second wording" in body and b"First wording" not in body


def test_an_article_removed_at_source_changes_the_cached_page(client):
    article = make_article(make_source(), "Soon removed")
    client.get(f"/articles/{article.pk}/")
    type(article).objects.filter(pk=article.pk).update(removed_at=datetime(2026, 3, 1, tzinfo=UTC))
    assert b"Removed at source" in client.get(f"/articles/{article.pk}/").content


def test_a_logged_in_reader_never_gets_the_shared_page_nor_leaks_into_it(client):
    article = make_article(make_source(), "Shared headline")
    client.get(f"/articles/{article.pk}/")  # the anonymous copy is cached
    reader = client_for(make_user("analyst1", "analyst"))
    mine = reader.get(f"/articles/{article.pk}/")
    assert b"analyst1" in mine.content and b"Save note" in mine.content
    assert mine["Cache-Control"] == "private, no-store"
    anonymous = client.get(f"/articles/{article.pk}/")
    assert b"analyst1" not in anonymous.content and b"Save note" not in anonymous.content
    assert anonymous["Cache-Control"].startswith("public")


def test_an_unchanged_article_page_answers_304_to_its_etag_without_rendering(client):
    article = make_article(make_source(), "Headline")
    first = client.get(f"/articles/{article.pk}/")
    assert first.has_header("Last-Modified")
    again = client.get(f"/articles/{article.pk}/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert renders_of(article) == 1


def test_the_etag_changes_when_the_source_gets_a_new_article(client):
    source = make_source()
    article = make_article(source, "Headline", published=BASE_TIME)
    etag = client.get(f"/articles/{article.pk}/")["ETag"]
    store_extracted(source, "http://127.0.0.1:9/next", extracted("Next one", BASE_TIME + timedelta(hours=1)))
    assert client.get(f"/articles/{article.pk}/", HTTP_IF_NONE_MATCH=etag).status_code == 200


@pytest.mark.parametrize(
    "path", ["/", "/sources/naenara-en/", "/api/v1/articles", "/feed.atom", "/sources/naenara-en/feed.json"]
)
def test_lists_and_feeds_answer_304_to_their_own_etag(client, path):
    make_article(make_source(), "Headline")
    first = client.get(path)
    assert first.status_code == 200 and first.has_header("ETag")
    assert client.get(path, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_anonymous_pages_allow_a_cdn_to_serve_them_stale_briefly(client):
    article = make_article(make_source(), "Headline")
    control = client.get(f"/articles/{article.pk}/")["Cache-Control"]
    assert control.startswith("public, max-age=")
    assert "stale-while-revalidate=" in control and "stale-if-error=" in control


def test_private_mode_pages_are_never_stored_by_a_shared_cache(client, settings):
    settings.WIREWATCH_PRIVATE = True
    article = make_article(make_source(), "Headline")
    reader = client_for(make_user("viewer1"))
    assert reader.get(f"/articles/{article.pk}/")["Cache-Control"] == "private, no-store"
    assert (
        client.get(f"/articles/{article.pk}/")["Cache-Control"] == "private, no-store"
    )  # the login redirect


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_concurrent_requests_on_a_cold_page_renders_it_once(live_server):
    article = make_article(make_source(), "Burst headline")
    url = f"{live_server.url}/articles/{article.pk}/"
    start = threading.Barrier(12)
    statuses: list[int] = []

    def fetch() -> None:
        start.wait()
        statuses.append(httpx.get(url, timeout=30).status_code)

    threads = [threading.Thread(target=fetch) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 12
    assert renders_of(article) == 1


def _render_in_child(key: str, log: str, barrier) -> None:
    def render() -> bytes:
        with open(log, "a") as handle:
            handle.write("render\n")
        return b"page"

    barrier.wait()
    assert cache.get_or_render(key, render) == b"page"


def test_worker_processes_share_one_render_through_the_file_lock(tmp_path):
    key, log = cache.key_for("test", "processes"), tmp_path / "renders.log"
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(6)
    children = [context.Process(target=_render_in_child, args=(key, str(log), barrier)) for _ in range(6)]
    for child in children:
        child.start()
    for child in children:
        child.join(30)
    assert [child.exitcode for child in children] == [0] * 6
    assert log.read_text().count("render") == 1
