from tests.record.conftest import news, polite  # noqa: F401 (the same fixtures as the record's tests)
