"""Re-checking stored articles: fetch each again (politely, same client and host slot as polls), store a new
version when the text changed, and feed removal evidence to the policy in archive/recheck.py."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from wirewatch.archive import recheck as policy
from wirewatch.archive.contenthash import extracted_hash
from wirewatch.archive.models import Article, Version
from wirewatch.archive.similarity import resemblance, same_title, says_not_found
from wirewatch.archive.store import store_extracted, store_replacement
from wirewatch.extraction import Extracted, extract_article
from wirewatch.fetching.client import FetchError, PoliteClient, Response
from wirewatch.sources.models import Source

log = logging.getLogger(__name__)
REUSE_BELOW = 0.3  # resemblance under which a changed page with another headline is another article
ERROR_PAGE_ABOVE = 0.8  # resemblance to the site's own 404 page above which a page is that error page
GARBAGE_SHARE = 0.1  # share of control/replacement characters that makes a body garbage, not a page


@dataclass
class RecheckReport:
    source: str
    checked: int = 0
    unchanged: int = 0
    edited: int = 0
    replaced: int = 0
    evidence: int = 0
    removed: int = 0
    restored: int = 0
    retry: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.retry


@dataclass(frozen=True)
class Check:
    kind: str  # policy.OK / GONE / TRANSIENT
    reason: str
    stored: str = ""  # "" | unchanged | edited | replaced


class ErrorPages:
    """Per run, per source: the site's answer to a URL that cannot exist (its 404 template), fetched once."""

    def __init__(self, client: PoliteClient) -> None:
        self.client = client
        self._texts: dict[int, str | None] = {}

    def text(self, source: Source, near_url: str) -> str | None:
        if source.pk not in self._texts:
            self._texts[source.pk] = self._probe(source, near_url)
        return self._texts[source.pk]

    def _probe(self, source: Source, near_url: str) -> str | None:
        url = urljoin(near_url, f"/wirewatch-missing-{secrets.token_hex(6)}")
        try:
            response = self.client.get(url, delay=source.delay, purpose="recheck-probe", source_id=source.pk)
        except FetchError:
            return None
        extracted = _extract(source, response) if response.body.strip() else None
        return extracted.text if extracted else ""


def _extract(source: Source, response: Response) -> Extracted | None:
    try:
        return extract_article(response.text, response.final_url, language=source.language,
                               timezone=source.timezone, rules=source.rules.get("article") or None)  # fmt: skip
    except Exception as exc:  # hostile markup must not stop the run: it is garbage, retried later
        log.warning("extraction failed for %s: %r", response.url, exc)
        return None


def _is_home(source: Source, response: Response) -> bool:
    if response.final_url == response.url:
        return False
    final = urlsplit(response.final_url)
    return final.path in ("", "/") or response.final_url.rstrip("/") == source.home.rstrip("/")


def _is_garbage(text: str) -> bool:
    bad = sum(1 for ch in text if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\t\n\r"))
    return bad > GARBAGE_SHARE * max(1, len(text))


def classify(response: Response, source: Source) -> Check | None:
    """The outcome an answer shows before extraction, or None when the page must be read to tell."""
    if response.status in (404, 410):
        return Check(policy.GONE, f"HTTP {response.status}")
    if not response.ok:
        return Check(policy.TRANSIENT, f"HTTP {response.status}")
    if _is_home(source, response):
        return Check(policy.GONE, f"redirected to the home page {response.final_url}")
    if not response.body.strip():
        return Check(policy.GONE, "empty body")
    if _is_garbage(response.text):
        return Check(policy.TRANSIENT, "garbage body")
    return None


def recheck_article(
    client: PoliteClient, article: Article, *, now: datetime | None = None, errors: ErrorPages | None = None
) -> tuple[Check, str]:
    """Fetch ``article`` again and record the outcome; return the check and what the policy did."""
    source = article.source
    try:
        response = client.get(article.url, delay=source.delay, purpose="recheck", source_id=source.pk)
    except FetchError as exc:
        check = Check(policy.TRANSIENT, f"{exc.kind}: {exc.message}")
    else:
        check = classify(response, source) or _read(client, article, response, errors or ErrorPages(client))
    target = article
    if check.stored == "replaced":
        return check, "replaced"
    return check, policy.record_check(target, check.kind, check.reason, now)


def _read(client: PoliteClient, article: Article, response: Response, errors: ErrorPages) -> Check:
    extracted = _extract(article.source, response)
    if extracted is None:
        return Check(policy.TRANSIENT, "the page could not be read")
    if not extracted.text.strip():
        return Check(policy.GONE, "no article text on the page")
    if says_not_found(extracted.title, extracted.text):
        return Check(policy.GONE, "a 'not found' page (soft 404)")
    current = article.current_version
    if current is not None and _unrelated(current, extracted):
        return _unlike(article, response, extracted, errors)
    stored = store_extracted(article.source, article.url, extracted, fetch_id=response.fetch_id,
                             fetched_at=response.fetched_at)  # fmt: skip
    return Check(policy.OK, "page served", "edited" if stored.version else "unchanged")


def _unrelated(current: Version, extracted: Extracted) -> bool:
    """Changed beyond an edit: little text in common and another headline."""
    if current.content_hash == extracted_hash(extracted):
        return False
    return resemblance(current.text, extracted.text) < REUSE_BELOW and not same_title(
        current.title, extracted.title
    )


def _unlike(article: Article, response: Response, extracted: Extracted, errors: ErrorPages) -> Check:
    """An entirely different page at the URL: the site's error template, or the URL reused for a new article."""
    error_text = errors.text(article.source, article.url)
    if error_text and resemblance(error_text, extracted.text) > ERROR_PAGE_ABOVE:
        return Check(policy.GONE, "the site's error page (soft 404)")
    store_replacement(article, extracted, fetch_id=response.fetch_id, fetched_at=response.fetched_at)
    return Check(policy.OK, "URL reused for another article", "replaced")


def recheck_source(
    client: PoliteClient,
    source: Source,
    *,
    everything: bool = False,
    limit: int | None = None,
    now: datetime | None = None,
) -> RecheckReport:
    """Re-check the due articles of ``source`` (every live one with ``everything``), at most ``limit``."""
    report, errors = RecheckReport(source.slug), ErrorPages(client)
    due = policy.due_articles(source, now or timezone.now(), everything=everything)
    limit = limit if limit is not None else (None if everything else settings.WIREWATCH["RECHECK_BATCH"])
    ids = list(due.values_list("pk", flat=True)[:limit] if limit else due.values_list("pk", flat=True))
    for pk in ids:
        article = Article.objects.select_related("source", "current_version").filter(pk=pk).first()
        if article is None or article.superseded_at is not None:
            continue
        check, done = recheck_article(client, article, now=now, errors=errors)
        _count(report, check, done, article)
    return report


def _count(report: RecheckReport, check: Check, done: str, article: Article) -> None:
    report.checked += 1
    if check.stored in ("unchanged", "edited", "replaced"):
        setattr(report, check.stored, getattr(report, check.stored) + 1)
    if done in ("evidence", "removed", "restored"):
        setattr(report, done, getattr(report, done) + 1)
    if done == "retry":
        report.retry.append(f"{article.url}: {check.reason}")


def recheck_due_safely(client: PoliteClient, source: Source) -> RecheckReport:
    """The watcher's re-check stage after a poll: a bug here is logged, never kills the host's thread."""
    try:
        return recheck_source(client, source)
    except (OperationalError, InterfaceError) as exc:  # the database away: not a bug, retried when it is back
        log.warning("re-check of %s stopped: database unavailable (%s)", source.slug, exc)
        return RecheckReport(source.slug, retry=["database unavailable"])
    except Exception:
        log.exception("re-check of %s failed", source.slug)
        return RecheckReport(source.slug, retry=["internal error (see the log)"])
