"""The batch receivers (``versions_stored``) leave exactly the rows the per-item ones (``version_stored``) leave.

Real texts (../shared: KCNA English, Korean speeches), several sources, cross-source reprints inside one batch and
across batches and against articles stored before, edits of stored articles (a few words, a new text, a text too
short to sign), and the corner case of an article restarting its own group after an earlier item of the same
batch refreshed that group. The rows are stored once with no receiver; then, each inside a savepoint rolled back
afterwards, the receivers run item by item and in batches, and every row they write is compared: the search
index, signatures (group, is_first, similarity, values), bands, mentions, appearances, text dates (is_current),
alert queue items. Dedupe is also compared with a copy of the receiver as it was before batches existed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction

from tests.entities.helpers import kcna_rows, published_at
from tests.factories import make_source
from wirewatch.alerts.models import QueueItem
from wirewatch.archive.models import Article
from wirewatch.archive.signals import StoredVersion, versions_stored
from wirewatch.archive.store import store_extracted
from wirewatch.dedupe import minhash, receivers
from wirewatch.dedupe.models import Band, Signature
from wirewatch.entities.models import Appearance, Mention, TextDate
from wirewatch.extraction.article import Extracted

pytestmark = [pytest.mark.django_db, pytest.mark.shared]
DEDUPE = (Signature, Band)
WRITTEN = (Signature, Band, Mention, Appearance, TextDate, QueueItem)
SHORT = "Notice. The meeting is put off."  # too few shingles to sign


def reprint(text: str, outlet: str, day: datetime) -> str:
    """Another outlet's copy: its own dateline, no end mark, a few words changed (which ones: per outlet)."""
    body = re.sub(r"^[^\n]{0,80}?\(KCNA\)\s*--\s*", "", text).removesuffix(" -0-")
    body = (
        body.replace(" the ", " this ", 2) if outlet == "Rodong" else body.replace(" and ", " as well as ", 2)
    )
    return f"Pyongyang, {day:%B %-d} ({outlet}) -- {body}"


def korean_copy(text: str) -> str:
    return text.replace("인민", "인민들", 3).replace("우리", "우리의", 2)


@contextmanager
def no_receivers() -> Iterator[None]:
    saved = [(signal, signal.receivers[:]) for signal in (versions_stored,)]
    for signal, _ in saved:
        signal.receivers, signal.sender_receivers_cache = [], {}
    try:
        yield
    finally:
        for signal, kept in saved:
            signal.receivers, signal.sender_receivers_cache = kept, {}


class Scenario:
    """Articles stored with the receivers (before), then the pages of the batch stored without them."""

    @classmethod
    def stored(cls, shared_dir) -> Scenario:
        """The scenario with its rows in the database: the earlier articles with every receiver, the batch's
        pages with none (the receivers under test then run on ``items``)."""
        made = cls(shared_dir)
        made.before()
        with no_receivers():
            made.batch()
        return made

    def __init__(self, shared_dir) -> None:
        self.rows = [r for r in kcna_rows(shared_dir) if len(r["story_text"]) > 600]
        paths = sorted((shared_dir / "data" / "korean").glob("*.txt"))[:6]
        self.korean = [p.read_text(encoding="utf-8")[:3000] for p in paths]
        self.kcna, self.rodong = make_source("kcna-en", "KCNA"), make_source("rodong-en", "Rodong Sinmun")
        self.tass = make_source("tass-en", "TASS")
        self.uri = make_source("uri-ko", "Uriminzokkiri", "Ko", "ko")
        self.rodong_ko = make_source("rodong-ko", "Rodong Sinmun", "Ko", "ko")
        self.items: list[StoredVersion] = []

    def store(self, source, key: str, text: str, day: datetime | None, title: str = "") -> StoredVersion:
        extracted = Extracted(title or text[:60], False, text, "", "", day, "meta" if day else "",
                              source.language, "rules", True)  # fmt: skip
        url = f"http://127.0.0.1:9/{source.slug}/{key}"
        stored = store_extracted(source, url, extracted, fetched_at=datetime(2026, 1, 1, tzinfo=UTC))
        return StoredVersion(stored.article, stored.version, stored.created)

    def row(self, n: int) -> tuple[str, datetime]:
        return self.rows[n]["story_text"], published_at(self.rows[n])

    def before(self) -> None:
        """Stored one at a time with every receiver on: what the batch finds in the database."""
        for n in range(10):
            self.store(self.kcna, f"a{n}", *self.row(n))
        for n in (0, 1, 2):
            text, day = self.row(n)
            self.store(self.rodong, f"b{n}", reprint(text, "Rodong", day), day + timedelta(hours=3))
        text, day = self.row(10)
        self.store(self.kcna, "x", text, day)
        self.store(self.rodong, "bx", reprint(text, "Rodong", day), day + timedelta(hours=1))
        self.store(self.kcna, "x", SHORT, day)  # x's signature goes; its group (x's id) keeps the reprint
        for n, text in enumerate(self.korean[:4]):
            self.store(self.uri, f"k{n}", text, datetime(2026, 1, 1 + n, tzinfo=day.tzinfo))

    def batch(self) -> list[StoredVersion]:
        """The pages of the batch, stored without receivers; returns them in storing order."""
        add = self.items.append
        t20, d20 = self.row(20)
        t21, d21 = self.row(21)
        t1, d1 = self.row(1)
        add(self.store(self.kcna, "a20", t20, d20))
        add(self.store(self.rodong, "b20", reprint(t20, "Rodong", d20), d20 + timedelta(hours=2)))
        add(
            self.store(self.tass, "c21", reprint(t21, "TASS", d21), d21 + timedelta(hours=5))
        )  # before its original
        add(self.store(self.kcna, "a21", t21, d21))
        add(
            self.store(self.tass, "c20", reprint(t20, "TASS", d20), d20 - timedelta(hours=1))
        )  # earliest of three
        add(self.store(self.tass, "c2", reprint(self.row(2)[0], "TASS", d1), None))  # date unknown: estimated
        add(
            self.store(self.tass, "c1", reprint(t1, "TASS", d1), d1)
        )  # matches a1's signature, replaced below
        add(
            self.store(self.kcna, "a0", self.row(0)[0].replace(" the ", " a ", 3), self.row(0)[1])
        )  # small edit
        add(self.store(self.kcna, "a1", self.row(30)[0], d1))  # a new text: a1 leaves its group
        add(self.store(self.rodong, "b1b", reprint(t1, "TASS", d1), d1 + timedelta(hours=9)))
        add(self.store(self.kcna, "a3", SHORT, self.row(3)[1]))  # too short now: a3's signature goes
        t4, d4 = self.row(4)
        add(self.store(self.kcna, "a4", self.row(32)[0], d4))  # a4's old text is signed nowhere after this
        add(self.store(self.tass, "c4", reprint(t4, "TASS", d4), d4))  # so its reprint starts a group
        tx, dx = self.row(10)
        add(
            self.store(self.tass, "cx", reprint(tx, "Rodong", dx), dx - timedelta(hours=1))
        )  # refreshes x's group
        add(self.store(self.kcna, "x", self.row(31)[0], dx))  # x restarts group x, unrefreshed
        add(self.store(self.kcna, "a20b", t20, d20 + timedelta(days=1)))  # same text, same source
        add(self.store(self.uri, "k0", korean_copy(self.korean[0]), None))  # a Korean edit
        add(self.store(self.rodong_ko, "r1", korean_copy(self.korean[1]), None))  # a Korean reprint
        add(self.store(self.rodong_ko, "r5", self.korean[5], None))
        for n in range(40, 110):  # more than one batch, reprints across the batch boundaries
            text, day = self.row(n)
            add(self.store(self.kcna, f"a{n}", text, day))
            if n % 4 == 0:
                add(self.store(self.rodong, f"b{n - 7}", reprint(self.row(n - 7)[0], "Rodong", day), day))
        return self.items


def old_sign_version(article: Article, version, new_article: bool) -> None:
    """dedupe's per-version receiver as it was before batches (the reference), its helpers inlined."""
    old_group = None
    if not new_article:
        old_group = Signature.objects.filter(article=article).values_list("group", flat=True).first()
    if old_group is not None:
        Signature.objects.filter(article=article).delete()
    values = minhash.signature(version.text)
    if values is None:
        if old_group is not None:
            old_refresh_first(old_group)
        return
    keys = minhash.band_keys(values)
    wanted = set(keys)
    rows = Band.objects.filter(key__in=[key for _, key in keys]).values_list("signature_id", "band", "key")
    ids = sorted({sid for sid, band, key in rows if (band, key) in wanted})[: receivers.MAX_CANDIDATES]
    candidates = Signature.objects.filter(pk__in=ids).exclude(article__source_id=article.source_id)
    best, best_score = None, 0.0
    for candidate in candidates.only("hashvalues", "group", "article_id") if ids else []:
        score = minhash.similarity(values, minhash.from_bytes(candidate.hashvalues))
        if score >= minhash.DUPLICATE_THRESHOLD and score > best_score:
            best, best_score = candidate, score
    group = best.group if best else article.pk
    signature = Signature.objects.create(article=article, version=version, hashvalues=minhash.to_bytes(values),
                                         group=group, similarity=best_score if best else 1.0)  # fmt: skip
    Band.objects.bulk_create(Band(signature=signature, band=band, key=key) for band, key in keys)
    for touched in ({group} - {article.pk}) | ({old_group} - {None}):
        old_refresh_first(touched)


def old_refresh_first(group: int) -> None:
    members = list(
        Signature.objects.filter(group=group)
        .order_by("article__published", "article_id")
        .values_list("pk", flat=True)
    )
    if members:
        Signature.objects.filter(group=group).exclude(pk=members[0]).update(is_first=False)
        Signature.objects.filter(pk=members[0]).update(is_first=True)


def snapshot(tables, before: dict) -> dict:
    """Every row of ``tables``; ids written by the pass become their rank among the pass's new ids (PostgreSQL
    does not roll sequences back; equal ranks mean the same insertion order), references follow them."""
    renumber = {}
    for model in tables:
        new = model.objects.filter(pk__gt=before[model]).order_by("pk").values_list("pk", flat=True)
        renumber[model] = {pk: f"new {rank}" for rank, pk in enumerate(new)}
    result = {}
    for model in tables:
        rows = []
        for row in model.objects.order_by("pk").values():
            row = {k: bytes(v) if isinstance(v, memoryview) else v for k, v in row.items()}
            row["id"] = renumber[model].get(row["id"], row["id"])
            if "signature_id" in row:
                row["signature_id"] = renumber[Signature].get(row["signature_id"], row["signature_id"])
            row.pop("created_at", None)  # the queue's timestamp: the clock, not the receiver
            rows.append(row)
        result[model.__name__] = rows
    if len(tables) > 2:
        result["search"] = search_rows()
    return result


def search_rows() -> list[tuple]:
    sql = (
        "SELECT rowid, title, body, title_f, body_f, uni FROM search_index ORDER BY rowid"
        if connection.vendor == "sqlite"
        else "SELECT article_id, exact::text, folded::text, uni::text FROM search_pgindex ORDER BY article_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def run(items: list[StoredVersion], how, tables=WRITTEN) -> dict:
    """Run the receivers ``how`` inside a savepoint, snapshot ``tables``, roll back."""
    before = {model: max(model.objects.values_list("pk", flat=True), default=0) for model in WRITTEN}
    with transaction.atomic():
        how(items)
        result = snapshot(tables, before)
        transaction.set_rollback(True)
    return result


def one_by_one(items: list[StoredVersion]) -> None:
    for item in items:
        versions_stored.send(Article, stored=[item])  # as store_extracted sends it


def in_batches(size: int):
    def send(items: list[StoredVersion]) -> None:
        for start in range(0, len(items), size):
            versions_stored.send(Article, stored=items[start : start + size])

    return send


def reference(items: list[StoredVersion]) -> None:
    for item in items:
        old_sign_version(item.article, item.version, item.created)


@pytest.fixture
def scenario(shared_dir) -> Scenario:
    return Scenario.stored(shared_dir)


@pytest.mark.parametrize("size", [50, 7])
def test_batches_leave_the_rows_that_one_version_at_a_time_leaves(scenario, size):
    items = scenario.items
    assert len(items) > size * 2 and len({item.article.pk for item in items}) == len(items)
    single, batched = run(items, one_by_one), run(items, in_batches(size))
    assert set(single) == {"Signature", "Band", "Mention", "Appearance", "TextDate", "QueueItem", "search"}
    for table in single:
        assert batched[table] == single[table], table
    groups = [row for row in single["Signature"] if str(row["id"]).startswith("new")]
    assert sum(row["group"] != row["article_id"] for row in groups) >= 15  # many copies found in the batch
    assert sum(not row["is_first"] for row in single["Signature"]) >= 10
    assert sum(not row["is_current"] for row in single["Mention"]) > 0  # edits replaced mentions


@pytest.mark.parametrize("max_candidates", [500, 1])
def test_one_version_at_a_time_signs_as_the_receiver_before_batches_did(
    scenario, monkeypatch, max_candidates
):
    monkeypatch.setattr(receivers, "MAX_CANDIDATES", max_candidates)
    old = run(scenario.items, reference, DEDUPE)
    assert run(scenario.items, one_by_one, DEDUPE) == old
    assert run(scenario.items, in_batches(50), DEDUPE) == old


def test_an_article_restarting_its_group_after_a_refresh_in_the_batch_stays_first(scenario):
    """x's group (x's id) got a new member earlier in the batch (a refresh); x then rejoins it under its own id
    with no refresh, as one at a time: two firsts, and a batch that refreshed once at the end would give one."""
    x = next(item.article for item in scenario.items if item.article.url.endswith("/kcna-en/x"))
    batched = run(scenario.items, in_batches(50), DEDUPE)
    group = [row for row in batched["Signature"] if row["group"] == x.pk]
    assert len(group) == 3
    assert [row["is_first"] for row in group if row["article_id"] == x.pk] == [True]
    assert sum(row["is_first"] for row in group) == 2


def test_search_dedupe_entities_and_alerts_each_listen_to_versions_stored_once():
    modules = [receiver.__module__ for receiver in versions_stored._live_receivers(Article)[0]]
    apps = ("search", "dedupe", "entities", "alerts")
    assert sorted(modules) == sorted(f"wirewatch.{app}.receivers" for app in apps)
