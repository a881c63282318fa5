import pytest

from wirewatch.accounts.roles import role_of
from wirewatch.cli import main

pytestmark = pytest.mark.django_db


def test_users_add_and_list(capsys, monkeypatch, django_user_model):
    monkeypatch.setenv("WIREWATCH_NEW_PASSWORD", "a long pass phrase")
    assert main(["users", "add", "ana", "--role", "analyst", "--email", "ana@example.org"]) == 0
    assert main(["users", "add", "root", "--role", "admin"]) == 0
    ana = django_user_model.objects.get(username="ana")
    assert ana.check_password("a long pass phrase") and role_of(ana) == "analyst" and not ana.is_staff
    assert django_user_model.objects.get(username="root").is_superuser
    capsys.readouterr()
    assert main(["users", "list"]) == 0
    assert capsys.readouterr().out.splitlines() == ["ana\tanalyst\tana@example.org", "root\tadmin\t"]


def test_users_add_refuses_a_duplicate_and_an_unknown_role(capsys, monkeypatch):
    monkeypatch.setenv("WIREWATCH_NEW_PASSWORD", "a long pass phrase")
    assert main(["users", "add", "ana"]) == 0
    assert main(["users", "add", "ana"]) == 2
    assert "exists already" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["users", "add", "bob", "--role", "god"])
