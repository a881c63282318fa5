"""The PostgreSQL search index (search/postgres.py): three tsvectors per article, each with a GIN index.

On SQLite this migration does nothing (0001's FTS5 table is the index there).
"""

from django.db import migrations

CREATE = [
    "CREATE TABLE IF NOT EXISTS search_pgindex ("
    " article_id bigint PRIMARY KEY, exact tsvector NOT NULL, folded tsvector NOT NULL, uni tsvector NOT NULL)",
    "CREATE INDEX IF NOT EXISTS search_pgindex_exact ON search_pgindex USING gin (exact)",
    "CREATE INDEX IF NOT EXISTS search_pgindex_folded ON search_pgindex USING gin (folded)",
    "CREATE INDEX IF NOT EXISTS search_pgindex_uni ON search_pgindex USING gin (uni)",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TABLE IF EXISTS search_pgindex")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_fts5_index")]
    operations = [migrations.RunPython(create, drop)]
