"""Support for Wirewatch's own test suite (loaded by pytest with ``-p wirewatch.testing.pytest_plugin``)."""
