"""``wirewatch doctor``: one OK/FAIL line per check, exit 1 when anything failed."""

import os
import socket
import subprocess
import sys

from wirewatch.cli import main
from wirewatch.serving.doctor import run_checks


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _by_name(checks):
    return {check.name: check for check in checks}


def test_doctor_passes_a_sound_setup(db, capsys, monkeypatch):
    monkeypatch.setenv("WIREWATCH_SECRET_KEY", "x" * 50)
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "OK   database:" in out and "migrated" in out
    assert "OK   warc storage:" in out
    assert "FAIL" not in out


def test_doctor_fails_on_a_wildcard_allowed_host(db, settings, capsys):
    settings.ALLOWED_HOSTS = ["*"]
    assert main(["doctor"]) == 1
    assert "FAIL allowed hosts:" in capsys.readouterr().out


def test_doctor_fails_when_redis_does_not_answer(db, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{_closed_port()}/0"
    checks = _by_name(run_checks())
    assert checks["redis"].status == "FAIL" and "unreachable" in checks["redis"].detail
    assert checks["workers"].status == "FAIL"


def test_doctor_fails_when_the_warc_directory_is_not_writable(db, settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    settings.WARC_DIR = blocker / "warc"
    assert _by_name(run_checks())["warc storage"].status == "FAIL"


def test_doctor_wants_a_shared_secret_key_when_the_database_is_shared(db, settings, monkeypatch):
    monkeypatch.delenv("WIREWATCH_SECRET_KEY", raising=False)
    settings.DATABASE_URL_SET = True
    assert _by_name(run_checks())["secret key"].status == "FAIL"
    monkeypatch.setenv("WIREWATCH_SECRET_KEY", "x" * 50)
    assert _by_name(run_checks())["secret key"].status == "OK"


def test_doctor_reports_an_unreachable_database_without_a_traceback(tmp_path):
    env = {**os.environ, "WIREWATCH_DATA_DIR": str(tmp_path), "REDIS_URL": ""}
    env["DATABASE_URL"] = f"postgres://nobody@127.0.0.1:{_closed_port()}/wirewatch"
    code = "import sys; from wirewatch.cli import main; sys.exit(main(['doctor']))"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "FAIL database: postgresql unreachable" in done.stdout
    assert "Traceback" not in done.stderr


def test_worker_and_scheduler_refuse_to_start_without_redis_and_say_why(tmp_path):
    env = {**os.environ, "WIREWATCH_DATA_DIR": str(tmp_path), "REDIS_URL": ""}
    env.pop("DATABASE_URL", None)
    code = "import sys; from wirewatch.cli import main; sys.exit(main(sys.argv[1:]))"
    for command in (["worker"], ["scheduler", "--once"]):
        done = subprocess.run(
            [sys.executable, "-c", code, *command], env=env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 2
        assert "need REDIS_URL" in done.stderr and "Traceback" not in done.stderr
