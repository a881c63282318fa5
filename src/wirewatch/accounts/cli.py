"""``wirewatch users add NAME --role analyst`` and ``wirewatch users list``."""

from __future__ import annotations

import argparse
import getpass
import os

# Spelled out here because this module is imported before Django is set up (models cannot be imported yet).
ROLES = ("viewer", "analyst", "admin")


def cmd_users_add(args: argparse.Namespace) -> int:
    from django.contrib.auth.models import User

    from wirewatch.accounts.models import Role
    from wirewatch.accounts.roles import set_role

    password = os.environ.get("WIREWATCH_NEW_PASSWORD") or getpass.getpass(f"Password for {args.name}: ")
    if User.objects.filter(username=args.name).exists():
        raise ValueError(f"a user named {args.name!r} exists already")
    user = User.objects.create_user(args.name, email=args.email or "", password=password)
    set_role(user, Role(args.role))
    print(f"added {args.name} as {args.role}")
    return 0


def cmd_users_list(args: argparse.Namespace) -> int:
    from django.contrib.auth.models import User

    from wirewatch.accounts.roles import role_of

    for user in User.objects.order_by("username"):
        state = "" if user.is_active else " (disabled)"
        print(f"{user.username}\t{role_of(user) or '-'}\t{user.email}{state}")
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    users = commands.add_parser("users", help="add and list user accounts").add_subparsers(required=True)
    add = users.add_parser("add", help="add a user (password from WIREWATCH_NEW_PASSWORD or asked)")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, default="viewer")
    add.add_argument("--email", help="for password resets")
    add.set_defaults(func=cmd_users_add)
    listing = users.add_parser("list", help="every user with their role")
    listing.set_defaults(func=cmd_users_list)
