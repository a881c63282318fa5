"""``wirewatch recheck``, ``archive export`` and ``import warc`` as commands: arguments, output, exit codes."""

from __future__ import annotations

import pytest

from tests.archive.test_warc_files import STORIES, crawler_warc
from tests.factories import make_source
from tests.sites.news import ARTICLE_RULES
from wirewatch.archive.models import Article
from wirewatch.cli import build_parser

pytestmark = pytest.mark.django_db


def run(*argv: str) -> int:
    args = build_parser().parse_args(list(argv))
    return args.func(args)


def test_import_then_export_round_trip_through_the_commands(tmp_path, capsys):
    make_source("kcna-en", "KCNA", home="http://www.kcna.kp/en/", rules={"article": ARTICLE_RULES})
    path = crawler_warc(tmp_path / "crawl.warc.gz", "http://www.kcna.kp")
    assert run("import", "warc", str(path)) == 0
    out, err = capsys.readouterr()
    assert "3 new articles" in out and "1 of unknown hosts" in out and "records" in err
    assert run("import", "warc", "--quiet", str(path)) == 0
    assert "0 new articles" in capsys.readouterr().out and Article.objects.count() == len(STORIES)
    assert run("archive", "export", "--since", "2000-01-01", "--output", str(tmp_path / "out")) == 0
    assert "exported 3 exchanges" in capsys.readouterr().out


def test_bad_arguments_are_clear_errors_not_tracebacks(tmp_path, capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["archive", "export", "--since", "yesterday", "--output", str(tmp_path)])
    assert "not an ISO 8601 date" in capsys.readouterr().err
    with pytest.raises(ValueError, match="no source"):
        run("archive", "export", "--since", "2026-01-01", "--source", "nope", "--output", str(tmp_path))
    with pytest.raises(ValueError, match="no such file"):
        run("import", "warc", str(tmp_path / "missing.warc.gz"))
    assert run("recheck") == 2 and "--all" in capsys.readouterr().err


@pytest.mark.parametrize("option", ["--batch", "--workers"])
def test_import_refuses_a_batch_or_worker_count_that_is_not_a_whole_number(tmp_path, capsys, option):
    for value in ("-1", "two", "1.5"):
        with pytest.raises(SystemExit):
            build_parser().parse_args(["import", "warc", option, value, str(tmp_path / "x.warc.gz")])
        assert "not a whole number" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        build_parser().parse_args(["import", "warc", "--batch", "0", str(tmp_path / "x.warc.gz")])
    assert build_parser().parse_args(["import", "warc", "--workers", "0", "x"]).workers == 0
