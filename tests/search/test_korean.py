"""Korean: inflected forms, dictionary forms of verbs, northern/southern spellings — over the shared speeches."""

from __future__ import annotations

import re

import pytest
from django.db import transaction

from tests.factories import make_source
from tests.search.helpers import ids, indexed

pytestmark = pytest.mark.django_db
SPEECHES = ("1947.txt", "1955.txt", "1966.txt", "1985.txt")


@pytest.fixture(scope="module")
def paragraphs(django_db_setup, django_db_blocker, shared_dir):
    """Each paragraph of four New Year speeches as its own article: {article id: paragraph text}.

    Made once for the module (analysing 60 kB of Korean takes a second) inside a transaction that is rolled
    back at the end, so that no other test sees these rows; each test runs in a savepoint within it."""
    with django_db_blocker.unblock(), transaction.atomic():
        source = make_source("rodong-ko", "Rodong Sinmun", "Ko", "ko")
        made = {}
        for name in SPEECHES:
            text = (shared_dir / "data" / "korean" / name).read_text(encoding="utf-8")
            for number, paragraph in enumerate(p for p in text.split("\n") if len(p.strip()) > 20):
                article = indexed(source, f"{name} ¶{number}", paragraph)
                made[article.pk] = paragraph
        yield made
        transaction.set_rollback(True)


def containing(paragraphs, pattern):
    return {pk for pk, text in paragraphs.items() if re.search(pattern, text)}


def test_a_noun_finds_every_particle_form(paragraphs):
    found = set(ids("로동당", dueum="0"))
    for form in ("로동당의", "로동당은", "로동당과"):
        assert containing(paragraphs, form), form  # the data has it
        assert containing(paragraphs, form) <= found, form
    assert found <= containing(paragraphs, "로동당")


def test_a_verb_in_dictionary_form_finds_its_inflections(paragraphs):
    found = set(ids("강화하다"))
    for form in ("강화하여", "강화되였다", "강화되였습니다", "강화하며", "강화된"):
        assert containing(paragraphs, form), form
        assert containing(paragraphs, form) <= found, form
    # 강화 as a plain noun (강화를, 강화와) is not the verb.
    noun_only = containing(paragraphs, "강화[를와에]") - containing(paragraphs, "강화[하되]")
    assert noun_only and not noun_only & found


def test_another_verb_finds_past_and_attributive_forms(paragraphs):
    found = set(ids("이룩하다"))
    for form in ("이룩한", "이룩하였습니다", "이룩하며"):
        assert containing(paragraphs, form) <= found, form
    assert found <= containing(paragraphs, "이룩")


def test_southern_spelling_finds_northern_text_and_back(paragraphs):
    assert containing(paragraphs, "력사") <= set(ids("역사"))
    assert containing(paragraphs, "노동당") <= set(ids("로동당"))
    assert containing(paragraphs, "로동당의") <= set(ids("노동당"))


def test_with_the_option_off_spellings_are_exact(paragraphs):
    assert not containing(paragraphs, "력사") & set(ids("역사", dueum="0"))
    assert set(ids("노동당", dueum="0")) == containing(paragraphs, "노동당")
