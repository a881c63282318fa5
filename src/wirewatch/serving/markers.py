"""What an article page shows, reduced to a few small values read in three indexed queries: its markers.

The page changes only when one of these changes: the article's current version or its removal/reuse state, the
members of the source's rail (a new article, a removal, a new version of a rail item) and its near-duplicate
group. The markers make the cache key and the ETag, so a new article in a source changes the rail marker of
that source's pages and nothing else: no page is rendered again until someone asks for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from wirewatch.archive.models import Article
from wirewatch.dedupe.models import Signature
from wirewatch.serving.cache import key_for
from wirewatch.web.queries import RAIL_SIZE

# Bump when the article template changes shape, so cached pages from before a deploy are not reused.
TEMPLATE_GENERATION = 1
_ARTICLE = Article._meta.db_table
_SIGNATURE = Signature._meta.db_table
_STATE_SQL = (
    "SELECT id, source_id, current_version_id, version_count, removed_at, superseded_at "
    f"FROM {_ARTICLE} WHERE id = %s"
)
# Same order as the rail's query (web/paging.py newest_first), served by the article_source_stream index.
_RAIL_SQL = (
    f"SELECT id, current_version_id, removed_at FROM {_ARTICLE} WHERE source_id = %s AND id != %s "
    "ORDER BY published DESC, id DESC LIMIT %s"
)
_COPIES_SQL = (
    f"SELECT article_id FROM {_SIGNATURE} WHERE "
    f'"group" IN (SELECT "group" FROM {_SIGNATURE} WHERE article_id = %s) ORDER BY article_id'
)


@dataclass(frozen=True)
class ArticleMarkers:
    article: tuple
    rail: tuple
    copies: tuple

    @property
    def key(self) -> str:
        return key_for("article", TEMPLATE_GENERATION, self.article, self.rail, self.copies)

    @property
    def etag(self) -> str:
        return '"' + self.key.rsplit(":", 1)[1] + '"'


def article_markers(pk: int) -> ArticleMarkers | None:
    """Three indexed queries in raw SQL: building them through the ORM cost more than running them (profiled)."""
    if not 0 < pk < 2**63:  # beyond SQLite's INTEGER (and PostgreSQL's bigint): no such row
        return None
    with connection.cursor() as cursor:
        cursor.execute(_STATE_SQL, [pk])
        state = cursor.fetchone()
        if state is None:
            return None
        # The rail: the source's newest RAIL_SIZE + 1 others (one more decides the "More Articles" link).
        cursor.execute(_RAIL_SQL, [state[1], pk, RAIL_SIZE + 1])
        rail = tuple(cursor.fetchall())
        cursor.execute(_COPIES_SQL, [pk])
        copies = tuple(row[0] for row in cursor.fetchall())
    return ArticleMarkers(tuple(state), rail, copies)
