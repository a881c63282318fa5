"""Work on a stored version that needs only its headline and text, done ahead in the WARC importer's workers.

The receivers of ``versions_stored`` compute things from a version's title and text: search its index tokens
(kiwi for Korean), dedupe its MinHash signature, entities the dates written in it. In the WARC importer the
receivers run in the main process, which also writes every row and is the import's bottleneck
(docs/performance.md, Ingest), while the extraction workers wait for it. So an app registers such a computation
here, as the import path of a module-level function ``(version) -> value`` that needs no Django (the workers do not
set Django up) and reads only the version's ``title``, ``text`` and ``title_is_lead`` (``Readable``: the workers
pass the ``Extracted``, the receivers the stored ``Version``); the importer's workers run it right after
extraction, and the receivers find its value in ``StoredVersion.derived`` under the same name. Where
there is no value (the watcher stores one page at a time, with no workers) the receiver computes it itself, with
the same function: a derived value is only ever what the receiver would have computed
(tests/archive/test_import_batches.py compares imports, which derive ahead, with storing page by page).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from functools import cache
from types import MappingProxyType
from typing import Any, Protocol

NONE: Mapping[str, Any] = MappingProxyType({})  # nothing derived ahead
_ABSENT = object()
_REGISTERED: dict[str, str] = {}  # name -> "package.module:function"


class Readable(Protocol):
    """What a deriving function may read of a version: an ``Extracted`` in a worker, a ``Version`` after it."""

    title: str
    text: str
    title_is_lead: bool


def register(name: str, function: str) -> None:
    """Have the importer's workers derive ``name`` with ``function`` ("package.module:function")."""
    _REGISTERED[name] = function


def registered() -> tuple[tuple[str, str], ...]:
    """What the workers should derive: plain strings, so that it pickles to them with each job."""
    return tuple(sorted(_REGISTERED.items()))


def derive(derivers: tuple[tuple[str, str], ...], version: Readable) -> dict[str, Any]:
    """Every value ``derivers`` names, for one version (runs in a worker)."""
    return {name: _function(path)(version) for name, path in derivers}


def value(derived: Mapping[str, Any], name: str, compute: Callable[[], Any]) -> Any:
    """The value derived ahead under ``name``, else ``compute()``."""
    found = derived.get(name, _ABSENT)
    return compute() if found is _ABSENT else found


@cache
def _function(path: str) -> Callable[[Readable], Any]:
    module, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module), attribute)
