"""Loaded before Django is set up, so that every test run gets its own empty data directory.

Helpers running the suite side by side must never share a database file or a WARC directory.
"""

import os
import tempfile

os.environ.setdefault("WIREWATCH_DATA_DIR", tempfile.mkdtemp(prefix="wirewatch-test-"))
