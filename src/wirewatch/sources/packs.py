"""Source packs: data files (TOML) listing outlets, their editions, and the rules that read their pages.

A pack is read with ``tomllib`` and checked here, field by field, so that a typo in a selector table or a URL
fails at load time with a message naming the source and the field, not hours later as an empty poll. The file
format is documented in the header of ``packs/dprk.toml``; in short::

    [pack]            name, description
    [defaults]        any source field (timezone, delay, poll_interval...) that every source inherits
    [layouts.<name>]  listing = {...}, article = {...}: rule sets shared by sources with ``layout = "<name>"``
    [[sources]]       slug?, name, edition, language, timezone, home, feeds, listings, sitemaps, delay,
                      poll_interval, layout?, rules? ({listing = {...}, article = {...}}, over the layout's), note?

A source needs listing rules (from its layout or its own) unless it has a ``note`` saying why it has none.
``load_pack`` returns ``sources.services.add_source()`` keyword arguments; the note stays in the file.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PACKS_DIR = Path(__file__).with_name("packs")

SOURCE_KEYS = {
    "slug", "name", "edition", "language", "timezone", "home", "feeds", "listings", "sitemaps",
    "delay", "poll_interval", "layout", "rules", "note",
}  # fmt: skip
REQUIRED_KEYS = ("name", "edition", "language", "home")
LISTING_KEYS = {"item", "link", "title", "date", "next", "url_pattern"}
ARTICLE_KEYS = {"title", "body", "date", "byline", "remove"}
TOP_KEYS = {"pack", "defaults", "layouts", "sources"}
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_PACK_BYTES = 2_000_000  # a pack of a thousand sources is a few hundred kilobytes


class PackError(ValueError):
    """A pack file that cannot be used; the message names the file, the source and the field."""


def list_packs() -> list[str]:
    """Names of the packs shipped with Wirewatch (``packs/<name>.toml``)."""
    return sorted(path.stem for path in PACKS_DIR.glob("*.toml"))


def _pack_path(name: str) -> Path:
    """A shipped pack's name, or the path of a user's own ``.toml`` file."""
    if name in list_packs():
        return PACKS_DIR / f"{name}.toml"
    path = Path(name).expanduser()
    if path.suffix == ".toml" and path.is_file():
        return path
    known = ", ".join(list_packs()) or "none"
    raise PackError(f"no pack {name!r}: give a shipped pack ({known}) or the path of a .toml file")


def read_pack(name: str) -> dict[str, Any]:
    """The pack file parsed, unvalidated (for tools that show notes or comments); see ``load_pack``."""
    path = _pack_path(name)
    data = path.read_bytes()
    if len(data) > MAX_PACK_BYTES:
        raise PackError(f"{path}: {len(data)} bytes is too large for a pack (limit {MAX_PACK_BYTES})")
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise PackError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise PackError(f"{path}: not valid TOML: {exc}") from exc


def load_pack(name: str) -> list[dict]:
    """The sources of a pack as ``add_source()`` keyword arguments, validated; raises PackError (a ValueError)."""
    raw = read_pack(name)
    pack_name = _pack_name(raw, name)
    _check_keys("the pack", raw, TOP_KEYS)
    layouts = _layouts(raw.get("layouts", {}))
    defaults = raw.get("defaults", {})
    _check_keys("[defaults]", defaults, SOURCE_KEYS - set(REQUIRED_KEYS) - {"slug"})
    sources = raw.get("sources")
    if not isinstance(sources, list) or not sources:
        raise PackError(f"pack {pack_name!r} has no [[sources]]")
    loaded = [
        _source(pack_name, index, {**defaults, **entry}, layouts) for index, entry in enumerate(sources, 1)
    ]
    _check_unique(pack_name, loaded)
    return loaded


def pack_layouts(name: str) -> dict[str, dict]:
    """The pack's shared rule sets by layout name (``{"listing": {...}, "article": {...}}``), validated."""
    return _layouts(read_pack(name).get("layouts", {}))


def _pack_name(raw: dict, name: str) -> str:
    pack = raw.get("pack")
    if not isinstance(pack, dict) or not isinstance(pack.get("name"), str) or not SLUG.match(pack["name"]):
        raise PackError(f"{name}: [pack] needs a name (lower-case letters, digits and hyphens)")
    _check_keys("[pack]", pack, {"name", "description"})
    return pack["name"]


def _check_keys(where: str, table: object, known: set[str]) -> None:
    if not isinstance(table, dict):
        raise PackError(f"{where}: expected a table, got {type(table).__name__}")
    if unknown := sorted(set(table) - known):
        raise PackError(f"{where}: unknown field(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")


def _layouts(layouts: object) -> dict[str, dict]:
    if not isinstance(layouts, dict):
        raise PackError("[layouts]: expected tables of named rule sets, like [layouts.kcna-2021.listing]")
    return {name: _rules(f"layout {name!r}", table) for name, table in layouts.items()}


def _rules(where: str, table: object) -> dict:
    _check_keys(where, table, {"listing", "article"})
    rules = {}
    for part, known in (("listing", LISTING_KEYS), ("article", ARTICLE_KEYS)):
        if part in table:
            rules[part] = _rule_table(f"{where}, rules.{part}", table[part], known)
    return rules


def _rule_table(where: str, table: object, known: set[str]) -> dict:
    _check_keys(where, table, known)
    for key, value in table.items():
        if key == "remove":
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise PackError(f"{where}, remove: expected a list of CSS selectors")
        elif not isinstance(value, str) or not value.strip():
            raise PackError(f"{where}, {key}: expected a non-empty string")
    if "url_pattern" in table:
        try:
            re.compile(table["url_pattern"])
        except re.error as exc:
            raise PackError(f"{where}, url_pattern: not a regular expression ({exc})") from exc
    return dict(table)


def _source(pack: str, index: int, entry: dict, layouts: dict[str, dict]) -> dict:
    label = f"pack {pack!r}, source #{index}"
    _check_keys(label, entry, SOURCE_KEYS)
    for key in REQUIRED_KEYS:
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise PackError(f"{label}: field {key!r} is required (a non-empty string)")
    label = f"pack {pack!r}, source {entry['name']} ({entry['edition']})"
    rules = _merged_rules(label, entry, layouts)
    if "item" not in rules.get("listing", {}) and not str(entry.get("note", "")).strip():
        raise PackError(f"{label}: no listing rules (no layout or rules.listing.item) and no note saying why")
    source = {
        "name": entry["name"],
        "edition": entry["edition"],
        "language": _language(label, entry["language"]),
        "timezone": _timezone(label, entry.get("timezone", "UTC")),
        "home": _url(label, "home", entry["home"]),
        **{key: _urls(label, key, entry.get(key, [])) for key in ("feeds", "listings", "sitemaps")},
        "rules": rules,
        "delay": _number(label, "delay", entry.get("delay", 5.0), int | float),
        "poll_interval": _number(label, "poll_interval", entry.get("poll_interval", 1800), int),
        "pack": pack,
    }
    if "slug" in entry:
        source["slug"] = _slug(label, entry["slug"])
    return source


def _merged_rules(label: str, entry: dict, layouts: dict[str, dict]) -> dict:
    """The layout's rules, then the source's own on top of them (key by key, within listing and article)."""
    base: dict = {}
    if "layout" in entry:
        if entry["layout"] not in layouts:
            raise PackError(f"{label}, layout: {entry['layout']!r} is not one of [layouts] {sorted(layouts)}")
        base = layouts[entry["layout"]]
    own = _rules(f"{label}, rules", entry.get("rules", {}))
    return {
        part: {**base.get(part, {}), **own.get(part, {})}
        for part in ("listing", "article")
        if part in base or part in own
    }


def _url(label: str, field: str, url: object) -> str:
    parts = urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise PackError(f"{label}, {field}: {url!r} is not an http(s) URL")
    return url


def _urls(label: str, field: str, urls: object) -> list[str]:
    if not isinstance(urls, list):
        raise PackError(f"{label}, {field}: expected a list of URLs")
    return [_url(label, field, url) for url in urls]


def _language(label: str, code: str) -> str:
    if not LANGUAGE.match(code):
        raise PackError(f"{label}, language: {code!r} is not a language code like en, ko or zh-Hans")
    return code


def _timezone(label: str, name: object) -> str:
    try:
        ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise PackError(f"{label}, timezone: {name!r} is not a known time zone") from exc
    return str(name)


def _number(label: str, field: str, value: object, kind: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, kind) or value < 0:
        raise PackError(f"{label}, {field}: expected a number of seconds, 0 or more; got {value!r}")
    return value


def _slug(label: str, slug: object) -> str:
    if not isinstance(slug, str) or not SLUG.match(slug):
        raise PackError(f"{label}, slug: {slug!r} must be lower-case letters, digits and hyphens")
    return slug


def _check_unique(pack: str, sources: list[dict]) -> None:
    seen: set[object] = set()
    for source in sources:
        key = (source["name"], source["edition"])
        if key in seen or source.get("slug", key) in seen:
            raise PackError(
                f"pack {pack!r}: source {key[0]} ({key[1]}) is listed twice (same name and edition, or slug)"
            )
        seen.update({key, source.get("slug", key)})
