import pytest
from django.urls import resolve

from tests.accounts.helpers import make_user
from tests.accounts.test_private_mode import all_paths
from tests.factories import make_article, make_source
from wirewatch.entities.models import Entity


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world():
    """One of everything a URL can name: a source, an article, an entity with appearances, each role's user."""
    article = make_article(make_source("naenara-en"), "Headline")
    Entity.objects.create(slug="naenara-en", name="Kim", kind=Entity.Kind.PERSON, track_appearances=True)
    users = {role: make_user(role, role) for role in ("viewer", "analyst", "admin")}
    return article, users


@pytest.fixture
def paths(world):
    """Every URL the project routes (enumerated from the resolver: new URLs are covered automatically)."""
    article, _users = world
    made = [path for path in all_paths(article.pk, "naenara-en") if "(?P" not in path]
    for path in made:
        resolve(path)
    return made
