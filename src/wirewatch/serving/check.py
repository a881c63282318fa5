"""``wirewatch check``: is everything we keep whole and consistent? Database, versions, WARC files, index.

Each check is one function returning a ``Finding`` (OK or FAIL and what was wrong). The checks read; only
``repair()`` writes, and only what is derived and can be rebuilt from the record (the search index, orphan
blobs, WARC files a killed writer left open). Versions, articles and fetches are never touched.

Each check is one or a few SQL statements, so it is exact on a quiet database and close to it while the
watcher writes (rows committed between two statements may show as a difference: run it again).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Max, Min, Q
from warcio.archiveiterator import ArchiveIterator

from wirewatch.archive.models import Article, Blob, Version
from wirewatch.fetching.models import Fetch
from wirewatch.fetching.warc import complete_gzip_length, member_is_complete

SAMPLE = 5  # how many offending ids a FAIL line names


@dataclass
class Finding:
    name: str
    problems: list[str] = field(default_factory=list)
    checked: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def needs_repair(self) -> bool:
        return not self.ok or any("(repairable)" in note for note in self.notes)

    def line(self) -> str:
        head = f"{'OK  ' if self.ok else 'FAIL'} {self.name} ({self.checked:,} checked)"
        return "\n".join([head, *(f"     - {p}" for p in self.problems + self.notes)])


def _sample(ids: Iterable[object]) -> str:
    ids = list(ids)
    more = f" and {len(ids) - SAMPLE:,} more" if len(ids) > SAMPLE else ""
    return ", ".join(str(i) for i in ids[:SAMPLE]) + more


# -- the database itself ---------------------------------------------------------------------------------------


def _rows(sql: str, params: Iterable[object] = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


def check_database(full: bool = False) -> Finding:
    """SQLite: quick_check (or integrity_check) and foreign_key_check; PostgreSQL: unvalidated constraints."""
    finding = Finding("database")
    if connection.vendor == "sqlite":
        pragma = "integrity_check" if full else "quick_check"
        result = [row[0] for row in _rows(f"PRAGMA {pragma}")]
        if result != ["ok"]:
            finding.problems.append(f"PRAGMA {pragma}: {_sample(result)}")
        dangling = _rows("PRAGMA foreign_key_check")
        if dangling:
            finding.problems.append(f"{len(dangling):,} dangling references: {_sample(dangling)}")
        finding.checked = _rows("PRAGMA page_count")[0][0]
        finding.notes.append(f"{finding.checked:,} pages, {pragma} + foreign_key_check")
    elif connection.vendor == "postgresql":
        # PostgreSQL enforces foreign keys itself; what can be wrong is a constraint added NOT VALID.
        rows = _rows("SELECT conname FROM pg_constraint WHERE NOT convalidated")
        if rows:
            finding.problems.append(f"constraints not validated: {_sample(r[0] for r in rows)}")
        finding.checked = len(_rows("SELECT 1 FROM pg_constraint"))
    return finding


# -- versions ----------------------------------------------------------------------------------------------


def check_versions() -> Finding:
    """Per article: version_count = its versions, numbers 1..n, current_version = its number n."""
    finding = Finding("versions")
    stats = Article.objects.annotate(
        n=Count("versions"), low=Min("versions__number"), high=Max("versions__number")
    ).values_list(
        "id", "version_count", "n", "low", "high", "current_version__number", "current_version__article"
    )
    bad_count, gaps, not_last = [], [], []
    for pk, count, n, low, high, current_number, current_article in stats.iterator(chunk_size=5000):
        finding.checked += 1
        if count != n:
            bad_count.append(pk)
        if n and (low != 1 or high != n):
            gaps.append(pk)
        if n and (current_number != high or current_article != pk):
            not_last.append(pk)
        if not n and current_number is not None:
            not_last.append(pk)
    for label, ids in (
        ("version_count differs from the versions stored", bad_count),
        ("version numbers not contiguous from 1", gaps),
        ("current_version is not the article's last version", not_last),
    ):
        if ids:
            finding.problems.append(f"{len(ids):,} articles: {label}: {_sample(ids)}")
    _check_blobs(finding)
    return finding


def orphan_blobs() -> list[str]:
    """Blobs no version points at (one statement, so a blob committed with its version is never counted)."""
    used = Q(pk__in=Version.objects.values("text_blob")) | Q(pk__in=Version.objects.values("html_blob"))
    return list(Blob.objects.exclude(used).values_list("pk", flat=True))


def _check_blobs(finding: Finding) -> None:
    if orphans := orphan_blobs():
        finding.problems.append(
            f"{len(orphans):,} orphan blobs (repairable): {_sample(o[:12] for o in orphans)}"
        )


# -- WARC files ----------------------------------------------------------------------------------------------


def _warc_files(directory: Path) -> list[Path]:
    return sorted([*directory.glob("*.warc.gz"), *directory.glob("*.warc.gz.open")])


def _file_readable(path: Path) -> tuple[int, int]:
    """(bytes made of whole gzip members from the start, file size)."""
    with open(path, "rb") as stream:
        good = complete_gzip_length(stream)
    return good, path.stat().st_size


def _whole_member_after(path: Path, start: int) -> int | None:
    """The offset of a whole gzip member after ``start``, if any: then the damage is not just a cut last
    record (a member starts with 1f 8b 08, RFC 1952 section 2.3.1)."""
    data = path.read_bytes()[start + 1 :]
    position = data.find(b"\x1f\x8b\x08")
    while position >= 0:
        if member_is_complete(path, start + 1 + position):
            return start + 1 + position
        position = data.find(b"\x1f\x8b\x08", position + 1)
    return None


def _record_ids_at(path: Path, offsets: Iterable[int]) -> dict[int, str]:
    found = {}
    with open(path, "rb") as stream:
        for offset in sorted(set(offsets)):
            stream.seek(offset)
            try:
                record = next(iter(ArchiveIterator(stream)), None)
            except Exception:  # warcio raises several kinds on garbage; any of them means "no record here"
                record = None
            found[offset] = record.rec_headers.get_header("WARC-Record-ID") if record else ""
    return found


def _fetch_locations() -> dict[str, list[tuple[int, int, str]]]:
    by_file: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    rows = Fetch.objects.exclude(warc_file="").values_list("id", "warc_file", "warc_offset", "warc_record_id")
    for pk, name, offset, record_id in rows.iterator(chunk_size=5000):
        by_file[name].append((pk, offset or 0, record_id))
    return by_file


def _resolve(directory: Path, name: str) -> Path | None:
    if Path(name).name != name:
        return None
    for candidate in (directory / name, directory / f"{name}.open"):
        if candidate.exists():
            return candidate
    return None


def check_warc(directory: Path | None = None) -> Finding:
    """Every file readable to its end (an ``.open`` one: all but a cut last record); every fetch's record at
    its offset with its record id."""
    directory = Path(directory or settings.WARC_DIR)
    finding = Finding("warc")
    for path in _warc_files(directory):
        good, size = _file_readable(path)
        finding.checked += 1
        if good < size and (_whole_member_after(path, good) is not None or not path.name.endswith(".open")):
            finding.problems.append(f"{path.name}: unreadable after byte {good:,} of {size:,}")
        elif good < size:  # what a killed writer leaves: recover_open_files() cuts it
            finding.notes.append(f"{path.name}: cut last record, {size - good:,} bytes (repairable)")
    missing = []
    for name, locations in _fetch_locations().items():
        finding.checked += len(locations)
        path = _resolve(directory, name)
        ids = _record_ids_at(path, (o for _, o, _ in locations)) if path else {}
        for pk, offset, record_id in locations:
            if ids.get(offset) != record_id:
                missing.append(pk)
    if missing:
        finding.problems.append(f"{len(missing):,} fetches without their WARC record: {_sample(missing)}")
    return finding


# -- derived data: search index, entities, near-duplicates ---------------------------------------------------


def _indexed_ids() -> set[int] | None:
    if connection.vendor == "sqlite":
        return {row[0] for row in _rows("SELECT rowid FROM search_index")}
    if connection.vendor == "postgresql":
        from wirewatch.search.postgres import TABLE

        return {row[0] for row in _rows(f"SELECT article_id FROM {TABLE}")}
    return None


def check_search() -> Finding:
    """Every article with a current version is in the index, and nothing else is."""
    finding = Finding("search index")
    indexed = _indexed_ids()
    if indexed is None:
        finding.notes.append(f"not checked on {connection.vendor}")
        return finding
    current = set(Article.objects.filter(current_version__isnull=False).values_list("id", flat=True))
    finding.checked = len(current)
    if missing := sorted(current - indexed):
        finding.problems.append(f"{len(missing):,} articles not indexed (repairable): {_sample(missing)}")
    if stale := sorted(indexed - current):
        finding.problems.append(f"{len(stale):,} stale index rows (repairable): {_sample(stale)}")
    if (
        connection.vendor == "sqlite"
    ):  # PostgreSQL's GIN indexes have no such check; amcheck covers B-trees only
        _fts5_integrity(finding)
    return finding


def _fts5_integrity(finding: Finding) -> None:
    try:
        _rows("INSERT INTO search_index(search_index) VALUES('integrity-check')")
    except (
        Exception
    ) as exc:  # FTS5 reports damage as an error (sqlite.org/fts5.html#the_integrity_check_command)
        finding.problems.append(f"FTS5 integrity-check: {exc} (repairable)")


def _derived_models() -> list[type]:
    from wirewatch.dedupe.models import Signature
    from wirewatch.entities.models import Appearance, Mention, TextDate

    return [Mention, Appearance, TextDate, Signature]


def check_derived() -> Finding:
    """Entity mentions, appearances, dates in text and dedupe signatures point at a version of their article."""
    finding = Finding("entities and dedupe")
    for model in _derived_models():
        finding.checked += model.objects.count()
        wrong = list(model.objects.exclude(version__article=F("article")).values_list("pk", flat=True)[:1000])
        if wrong:
            finding.problems.append(f"{model.__name__}: {len(wrong):,} rows on another article's version")
    return finding


CHECKS: dict[str, Callable[[], Finding]] = {
    "database": check_database,
    "versions": check_versions,
    "warc": check_warc,
    "search": check_search,
    "derived": check_derived,
}


def run_checks(names: Iterable[str] = (), full: bool = False) -> list[Finding]:
    names = list(names) or list(CHECKS)
    return [check_database(full) if name == "database" else CHECKS[name]() for name in names]


# -- repair: derived data only ---------------------------------------------------------------------------------


def repair(findings: list[Finding]) -> list[str]:
    """Fix what can be rebuilt from the record; returns what was done. Versions are never touched."""
    from django.db import transaction

    from wirewatch.fetching.warc import recover_open_files
    from wirewatch.search.backend import get_backend, rebuild

    done = []
    failed = {f.name for f in findings if f.needs_repair}
    if "warc" in failed and (closed := recover_open_files(settings.WARC_DIR)):
        done.append(f"closed {len(closed)} WARC files a killed writer left open")
    if "search index" in failed:
        done.append(f"reindexed {rebuild(get_backend()):,} articles")
    if "versions" in failed:
        with transaction.atomic():  # IMMEDIATE: no version can start pointing at a blob while we delete
            count, _ = Blob.objects.filter(pk__in=orphan_blobs()).delete()
        if count:
            done.append(f"deleted {count:,} orphan blobs")
    return done
