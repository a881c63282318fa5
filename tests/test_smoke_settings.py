import pytest
from django.conf import settings
from django.db import connection


def test_each_test_run_gets_its_own_data_directory():
    assert "wirewatch-test-" in str(settings.DATA_DIR)


@pytest.mark.django_db
def test_database_runs_in_wal_mode_on_a_real_file():
    if connection.vendor != "sqlite":
        pytest.skip("WAL is SQLite's journal mode; the PostgreSQL pass has no database file")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    assert connection.settings_dict["NAME"].endswith("test.sqlite3")
