"""What the entities app reads of a version, with no Django: its text, and the dates written in it.

Dates in the text are a pure function of the version, so the WARC importer's workers derive them ahead
(archive/derived.py) and the receiver stores them; it finds mentions and appearances itself, as those need the
gazetteer in the database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wirewatch.extraction.textdates import TextDate, find_text_dates

if TYPE_CHECKING:
    from wirewatch.archive.derived import Readable

TEXT_DATES = "entities.text_dates"  # a list of TextDate, derived ahead by the importer (apps.py registers it)


def version_text(version: Readable) -> str:
    """The text we read for entities: the headline (unless it is only the body's lead) and the body."""
    return version.text if version.title_is_lead else f"{version.title}\n{version.text}"


def text_dates(version: Readable) -> list[TextDate]:
    """Every date written in the version's text, headline included: the rows of ``TextDate``."""
    return find_text_dates(version_text(version))
