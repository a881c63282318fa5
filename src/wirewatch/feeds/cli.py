"""``wirewatch sources import-opml FILE`` (parsed in wirewatch/cli.py, beside the other source commands)."""

from __future__ import annotations

import sys
from pathlib import Path


def import_opml_file(path: str, *, language: str = "", edition: str = "Main") -> int:
    """Print one line per outline; exit status 1 when any outline failed, 2 when the file is unusable."""
    from wirewatch.feeds.opml import MAX_OPML_BYTES, import_opml

    file = Path(path)
    if not file.is_file():
        raise ValueError(f"{path}: no such file")
    with file.open("rb") as handle:
        data = handle.read(MAX_OPML_BYTES + 1)
    report = import_opml(data, language=language, edition=edition)
    for line in report:
        print(line, file=sys.stdout if line.ok else sys.stderr)
    print(f"{sum(line.ok for line in report)} of {len(report)} outlines registered")
    return 0 if all(line.ok for line in report) else 1
