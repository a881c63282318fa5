"""Load the seed gazetteer (data/gazetteer.toml) with the historical models."""

from django.db import migrations


def load(apps, schema_editor):
    from wirewatch.entities.gazetteer import read_seed, save_rows

    models = tuple(apps.get_model("entities", name) for name in ("Entity", "Alias", "GazetteerRevision"))
    save_rows(read_seed(), models)


class Migration(migrations.Migration):
    dependencies = [("entities", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
