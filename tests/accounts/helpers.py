"""Users of each role, made the way `wirewatch users add` makes them."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import Client

from wirewatch.accounts import tokens
from wirewatch.accounts.models import Role
from wirewatch.accounts.roles import set_role

PASSWORD = "correct horse battery staple"


def make_user(name: str, role: str = "viewer", email: str = "") -> User:
    user = User.objects.create_user(name, email=email or f"{name}@example.org", password=PASSWORD)
    set_role(user, Role(role))
    return user


def client_for(user: User, **options) -> Client:
    client = Client(**options)
    client.force_login(user)
    return client


def token_for(user: User, name: str = "test") -> str:
    return tokens.create_token(user, name)[1]


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
