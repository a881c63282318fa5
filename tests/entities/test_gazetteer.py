"""The gazetteer as data: the seed, CSV export/import round trip (the CLI, as a user runs it), bad files."""

import csv

import pytest

from tests.cli.test_commands import wirewatch
from wirewatch.cli import main
from wirewatch.entities.gazetteer import GazetteerError, export_csv, import_csv, read_seed
from wirewatch.entities.models import Alias, Entity

pytestmark = pytest.mark.django_db


def test_seed_gazetteer_is_loaded_by_the_migration():
    seed = read_seed()
    assert Entity.objects.count() == len(seed) > 50
    kim = Entity.objects.get(slug="kim-jong-un")
    assert kim.track_appearances
    assert {"Kim Jong Un", "김정은", "金正恩", "Ким Чен Ын"} <= set(
        kim.aliases.values_list("text", flat=True)
    )
    assert set(Entity.objects.values_list("kind", flat=True)) == {"person", "organisation", "place"}


def test_export_then_import_into_an_empty_gazetteer_round_trips(tmp_path):
    edited = tmp_path / "edited.csv"
    edited.write_text(
        "slug,name,kind,track_appearances,description,aliases\n"
        "jang-kum-chol,Jang Kum Chol,person,yes,A test person,ko:장금철 | en:Jang Kum-chol\n",
        encoding="utf-8",
    )
    assert main(["entities", "import", str(edited)]) == 0
    out, again = tmp_path / "gazetteer.csv", tmp_path / "again.csv"
    assert main(["entities", "export", "--csv", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    jang = next(r for r in rows if r["slug"] == "jang-kum-chol")
    assert jang["track_appearances"] == "yes"
    assert set(jang["aliases"].split(" | ")) == {"en:Jang Kum Chol", "en:Jang Kum-chol", "ko:장금철"}
    Entity.objects.all().delete()
    assert main(["entities", "import", str(out)]) == 0
    assert main(["entities", "export", "--csv", str(again)]) == 0
    assert again.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")


def test_import_updates_an_entity_and_replaces_its_aliases():
    import_csv("slug,name,kind,aliases\nkim-jong-un,Kim Jong Un,person,ko:김정은 | :Marshal Kim Jong Un\n")
    aliases = set(Alias.objects.filter(entity__slug="kim-jong-un").values_list("text", "language"))
    assert aliases == {("Kim Jong Un", "en"), ("김정은", "ko"), ("Marshal Kim Jong Un", "")}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,kind\nX,person\n", "header"),
        ("slug,name,kind\nBad Slug,X,person\n", "line 2: slug"),
        ("slug,name,kind\nx,X,animal\n", "line 2: kind"),
        ("slug,name,kind\nx,,person\n", "line 2: the name is empty"),
    ],
)
def test_bad_csv_is_refused_with_the_line_and_nothing_is_saved(content, message):
    before = Entity.objects.count()
    with pytest.raises(GazetteerError, match=message):
        import_csv(content)
    assert Entity.objects.count() == before


def test_export_writes_one_row_per_entity(tmp_path):
    path = tmp_path / "out.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        count = export_csv(out)
    assert count == Entity.objects.count()
    assert len(list(csv.DictReader(path.open(encoding="utf-8")))) == count


def test_cli_import_of_a_binary_file_is_a_clear_error(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"\xff\xfe\x00garbage\x80")
    result = wirewatch(tmp_path / "data", "entities", "import", str(path))
    assert result.returncode == 2
    assert "not UTF-8" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[[entity]]\nname = 'X'\nkind = 'person'\n", "slug"),
        ("[[entity]\n", "Expected"),
        ("\udcff", "codec can.t decode"),
    ],
)
def test_bad_gazetteer_toml_is_a_clear_error(tmp_path, content, message):
    path = tmp_path / "bad.toml"
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    with pytest.raises(GazetteerError, match=message):
        read_seed(path)
