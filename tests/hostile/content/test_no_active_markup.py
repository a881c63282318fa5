"""Every page, feed, API answer and alert e-mail that shows mirrored content carries 0 active markup, checked by parsing the
output as a browser would (active.py); every HTML page carries the CSP and the usual security headers."""

import json
from urllib.parse import quote
from xml.etree import ElementTree

import defusedxml.ElementTree
import pytest

from tests.accounts.test_private_mode import all_paths
from tests.hostile.content.active import active_markup
from tests.hostile.content.archive import ENTITY_NAME, EVIL_NAME
from tests.hostile.content.vectors import INERT, VECTORS
from wirewatch.alerts.channels import email_message
from wirewatch.alerts.models import Delivery, Subscription

pytestmark = pytest.mark.django_db(transaction=True)

PER_ARTICLE = ("/articles/{pk}/", "/articles/{pk}/history/", "/api/v1/articles/{pk}/",
               "/api/v1/articles/{pk}/versions/", "/api/v1/articles/{pk}/diff/")  # fmt: skip
SEARCHES = ["alert", "Evil", "script", "onerror", "javascript", "Entity", '"><svg', "<script>"]
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": None,  # any value
    "X-Frame-Options": "DENY",
    "Permissions-Policy": None,
}


def urls_to_render(hostile) -> list[str]:
    evil = hostile.articles[0]
    urls = set(all_paths(evil.pk, "evil")) | set(all_paths(evil.pk, "evil-entity"))
    urls = {url for url in urls if "(?P" not in url and "/x/" not in url and not url.endswith("/x")}
    for article in hostile.articles:
        urls |= {path.format(pk=article.pk) for path in PER_ARTICLE}
    for term in SEARCHES:
        urls |= {f"/search?q={quote(term)}", f"/api/v1/search/?q={quote(term)}"}
    urls |= {"/sources/generic/", "/sources/generic/feed.atom", "/sources/generic/feed.json",
             "/sources/generic/feed.rss", f"/admin/entities/entity/{hostile.entity.pk}/change/",
             "/admin/entities/entity/?q=Evil", "/admin/entities/alias/?q=Evil", "/api/v1/articles/?source=evil"}  # fmt: skip
    return sorted(urls)


def problems_in(response) -> list[str]:
    kind = response.headers.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "html" in kind:
        return active_markup(body) + header_problems(response)
    if "xml" in kind:
        return xml_problems(body)
    if "jsonl" in kind or "ndjson" in kind:
        return [p for line in body.splitlines() if line.strip() for p in json_problems(json.loads(line))]
    if "json" in kind:
        return json_problems(json.loads(body))
    return []


def header_problems(response) -> list[str]:
    found = []
    csp = response.headers.get("Content-Security-Policy", "")
    if "script-src 'self'" not in csp or "'unsafe-inline'" in csp or "frame-ancestors 'none'" not in csp:
        found.append(f"CSP {csp!r}")
    for name, value in HEADERS.items():
        if name not in response.headers or (value and response.headers[name] != value):
            found.append(f"header {name}: {response.headers.get(name)!r}")
    return found


def xml_problems(body: bytes) -> list[str]:
    """Feeds: every text that a reader may render as HTML (RSS description, Atom content/summary of type html or
    xhtml) must be inert HTML."""
    root = defusedxml.ElementTree.fromstring(body)
    found = []
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1]
        if name in ("description", "encoded", "content", "summary"):
            text = element.text or "".join(ElementTree.tostring(child, "unicode") for child in element)
            found += active_markup(text)
    return found


def json_problems(value, key: str = "") -> list[str]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in json_problems(v, k)]
    if isinstance(value, list):
        return [p for item in value for p in json_problems(item, key)]
    if isinstance(value, str) and "html" in key:
        return active_markup(value)
    return []


def test_hostile_content_is_inert_on_every_page_feed_api_answer_and_email(hostile, admin_client):
    """One ingest (it is the slow part), then every surface; failures are collected per URL, not stopped at."""
    assert len(hostile.articles) == len(VECTORS) + hostile.feedparser_cases
    assert len([vector for vector in VECTORS if active_markup(vector)]) == len(VECTORS) - len(INERT)
    failures, rendered = {}, 0
    for url in urls_to_render(hostile):
        response = admin_client.get(url)
        assert response.status_code < 500, url
        if response.status_code == 200:
            rendered += 1
            if found := problems_in(response):
                failures[url] = found[:3]
    failures |= email_problems()
    assert failures == {}
    assert rendered > 300
    assert_names_shown_as_text(hostile, admin_client)


def email_problems() -> dict[str, list[str]]:
    """Alert e-mails (alerts/channels.email_message, as the dispatcher sends them): one alert and a digest."""
    found, sent = {}, 0
    for search in Subscription.objects.filter(kind=Subscription.Kind.SEARCH):
        rows = list(Delivery.objects.filter(subscription=search).order_by("pk"))
        assert rows, search.query
        for batch in ([rows[0]], rows[:30]):
            message = email_message(search, batch)
            html, _type = message.alternatives[0]
            problems = active_markup(html) + (["line break in subject"] if "\n" in message.subject else [])
            if problems:
                found[f"email {search.query} x{len(batch)}"] = problems[:3]
            sent += 1
    assert sent == 6
    return found


def assert_names_shown_as_text(hostile, client) -> None:
    evil = hostile.articles[0]
    page = client.get(f"/articles/{evil.pk}/").content.decode()
    assert EVIL_NAME.replace("<", "&lt;").split(">")[0] in page  # the source name, escaped
    entity_page = client.get("/entities/evil-entity/").content.decode()
    assert "&lt;img src=x onerror=alert(&#x27;entity&#x27;)&gt; Evil Entity" in entity_page
    assert ENTITY_NAME not in entity_page
