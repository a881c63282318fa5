"""The gazetteer as data: the seed TOML file, CSV export/import, and the revision the matchers follow.

CSV layout (one row per entity, UTF-8 with a header): ``slug, name, kind, track_appearances, description,
aliases``; ``aliases`` is ``lang:text`` items separated by `` | `` (``lang`` may be empty: ``:text``).
Importing adds and updates; an entity's aliases become exactly the file's. Nothing is deleted.
"""

from __future__ import annotations

import csv
import io
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

SEED = Path(__file__).parent / "data" / "gazetteer.toml"
CSV_FIELDS = ["slug", "name", "kind", "track_appearances", "description", "aliases"]
KINDS = {"person", "organisation", "place"}
ALIAS_SEPARATOR = " | "
MAX_ROWS = 100_000


class GazetteerError(ValueError):
    """A gazetteer file we cannot load; the message says where."""


@dataclass
class EntityRow:
    slug: str
    name: str
    kind: str
    track_appearances: bool = False
    description: str = ""
    aliases: list[tuple[str, str]] = field(default_factory=list)  # (language, text)


def read_seed(path: Path = SEED) -> list[EntityRow]:
    """The entities of a gazetteer TOML file (``[[entity]]`` tables, see data/gazetteer.toml)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise GazetteerError(f"{path}: {exc}") from None
    return [
        _checked(_row_from_toml(item), f"{path.name} entity {n}")
        for n, item in enumerate(data.get("entity", []), 1)
    ]


def _row_from_toml(item: dict) -> EntityRow:
    aliases = item.get("aliases", {})
    if not isinstance(aliases, dict):
        aliases = {}
    pairs = [
        (lang, str(text)) for lang, texts in aliases.items() if isinstance(texts, list) for text in texts
    ]
    return EntityRow(str(item.get("slug", "")), str(item.get("name", "")), str(item.get("kind", "")),
                     bool(item.get("track")), str(item.get("description", "")), pairs)  # fmt: skip


def _checked(row: EntityRow, where: str) -> EntityRow:
    from django.utils.text import slugify

    if not row.slug or slugify(row.slug) != row.slug:
        raise GazetteerError(f"{where}: slug {row.slug!r} must be lower-case letters, digits and hyphens")
    if row.kind not in KINDS:
        raise GazetteerError(f"{where}: kind {row.kind!r} must be one of {', '.join(sorted(KINDS))}")
    if not row.name.strip():
        raise GazetteerError(f"{where}: the name is empty")
    return row


def save_rows(rows: list[EntityRow], models: tuple | None = None) -> int:
    """Add or update ``rows`` (an entity's aliases become exactly the row's plus its name). Returns the count.

    ``models`` (Entity, Alias, GazetteerRevision) may be passed in, so that a data migration can run this with
    its historical models.
    """
    from wirewatch.entities.models import Alias, Entity, GazetteerRevision

    entity_model, alias_model, revision_model = models or (Entity, Alias, GazetteerRevision)
    with transaction.atomic():
        for row in rows:
            entity, _ = entity_model.objects.update_or_create(
                slug=row.slug,
                defaults={"name": row.name, "kind": row.kind, "description": row.description[:300],
                          "track_appearances": row.track_appearances},
            )  # fmt: skip
            _replace_aliases(alias_model, entity, row)
        bump_revision(revision_model)
    return len(rows)


def _replace_aliases(alias_model, entity, row: EntityRow) -> None:
    wanted = {row.name.strip(): "en"} | {text.strip(): lang for lang, text in row.aliases if text.strip()}
    alias_model.objects.filter(entity=entity).exclude(text__in=wanted).delete()
    existing = set(alias_model.objects.filter(entity=entity).values_list("text", flat=True))
    alias_model.objects.bulk_create(
        [alias_model(entity=entity, text=text[:200], language=lang[:20])
         for text, lang in wanted.items() if text not in existing]
    )  # fmt: skip


def load_seed() -> int:
    return save_rows(read_seed())


def export_csv(out: io.TextIOBase) -> int:
    from wirewatch.entities.models import Entity

    writer = csv.writer(out)
    writer.writerow(CSV_FIELDS)
    count = 0
    for entity in Entity.objects.prefetch_related("aliases").order_by("slug"):
        aliases = ALIAS_SEPARATOR.join(f"{a.language}:{a.text}" for a in entity.aliases.all())
        flag = "yes" if entity.track_appearances else "no"
        writer.writerow([entity.slug, entity.name, entity.kind, flag, entity.description, aliases])
        count += 1
    return count


def read_csv(text: str) -> list[EntityRow]:
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or not {"slug", "name", "kind"} <= set(reader.fieldnames):
        raise GazetteerError("the CSV needs a header with at least slug, name and kind")
    rows = []
    for number, record in enumerate(reader, 2):
        if number > MAX_ROWS:
            raise GazetteerError(f"more than {MAX_ROWS} rows")
        rows.append(_checked(_row_from_csv(record), f"line {number}"))
    return rows


def _row_from_csv(record: dict[str, str | None]) -> EntityRow:
    aliases = []
    for item in (record.get("aliases") or "").split(ALIAS_SEPARATOR.strip()):
        lang, sep, text = item.strip().partition(":")
        if item.strip():
            aliases.append((lang, text) if sep else ("", lang))
    track = (record.get("track_appearances") or "").strip().lower() in {"yes", "true", "1"}
    return EntityRow((record.get("slug") or "").strip(), (record.get("name") or "").strip(),
                     (record.get("kind") or "").strip(), track, (record.get("description") or "").strip(),
                     aliases)  # fmt: skip


def import_csv(text: str) -> int:
    return save_rows(read_csv(text))


def bump_revision(revision_model=None) -> None:
    """Tell every process's matcher that the gazetteer changed."""
    from wirewatch.entities.models import GazetteerRevision

    model = revision_model or GazetteerRevision
    updated = model.objects.filter(pk=1).update(number=F("number") + 1, changed_at=timezone.now())
    if not updated:
        model.objects.get_or_create(pk=1, defaults={"number": 1})


def revision() -> tuple:
    """The gazetteer's revision: its number and time (the time tells apart two numbers that a rolled-back
    transaction made equal)."""
    from wirewatch.entities.models import GazetteerRevision

    # Read before every stored article (current_matcher): plain SQL costs a tenth of the ORM query's CPU
    # (~0.02 vs ~0.2 ms). The values are only compared with this function's earlier answers.
    meta, quote = GazetteerRevision._meta, connection.ops.quote_name
    number, changed_at = (quote(meta.get_field(name).column) for name in ("number", "changed_at"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {number}, {changed_at} FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)} = 1"
        )
        return tuple(cursor.fetchone() or (0, None))


def alias_pairs() -> list[tuple[int, str]]:
    from wirewatch.entities.models import Alias

    return list(Alias.objects.values_list("entity_id", "text"))


def entity_sets() -> tuple[frozenset[int], frozenset[int]]:
    """The ids of the people whose appearances we track, and of the places."""
    from wirewatch.entities.models import Entity

    tracked = Entity.objects.filter(kind="person", track_appearances=True).values_list("pk", flat=True)
    places = Entity.objects.filter(kind="place").values_list("pk", flat=True)
    return frozenset(tracked), frozenset(places)
