"""The SQLite FTS5 table the search index lives in (other databases: their backend makes its own)."""

from django.db import migrations

# rowid = the article's id. Columns hold our own token streams (wirewatch.search.analysis), space-joined; the
# 'ascii' tokenizer splits them on spaces only and leaves every non-ASCII character inside its token, so FTS5
# sees exactly our tokens (unicode61 would split Hindi words at their vowel signs).
CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_index USING fts5("
    "title, body, title_f, body_f, uni, tokenize = 'ascii')"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_index")


class Migration(migrations.Migration):
    dependencies = [("archive", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
