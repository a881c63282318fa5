"""Fixtures shared by the whole suite: local source sites and the shared data folder."""

import os
from pathlib import Path

import pytest

from tests.sites.server import LocalSite

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture
def site():
    """A fresh local HTTP site on loopback; fill ``site.routes``."""
    local = LocalSite().start()
    yield local
    local.stop()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the checkout. Missing: skip on a user's clone, fail under CI."""
    if not SHARED.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{SHARED} is missing, and CI must run the tests that read it")
        pytest.skip(f"{SHARED} is missing (a fresh clone without the shared data): test skipped")
    return SHARED
