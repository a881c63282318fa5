"""Who may do what: the one place that maps users to roles and checks them.

Roles are ordered (viewer < analyst < admin); a check asks for the least role an action needs. Superusers are
admins whatever their profile says. Anonymous visitors have no role: they may read when the deployment is
public (see middleware.py), nothing more.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from wirewatch.accounts.models import Profile, Role

ORDER = [Role.VIEWER, Role.ANALYST, Role.ADMIN]


def profile_of(user: AbstractBaseUser) -> Profile:
    """The user's profile, created on first use; kept on the user object for the rest of the request."""
    cached = getattr(user, "_wirewatch_profile", None)
    if cached is None:
        cached, _ = Profile.objects.get_or_create(user=user)
        user._wirewatch_profile = cached
    return cached


def role_of(user: AbstractBaseUser | AnonymousUser) -> Role | None:
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMIN
    return Role(profile_of(user).role)


def has_role(user: AbstractBaseUser | AnonymousUser, needed: Role) -> bool:
    role = role_of(user)
    return role is not None and ORDER.index(role) >= ORDER.index(needed)


def set_role(user: AbstractBaseUser, role: Role) -> None:
    """Admins get Django's admin (is_staff + is_superuser); nobody else may enter it."""
    user._wirewatch_profile, _ = Profile.objects.update_or_create(user=user, defaults={"role": role})
    user.is_staff = user.is_superuser = role == Role.ADMIN
    user.save(update_fields=["is_staff", "is_superuser"])


def _refuse_page(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    context = {"title": "Not allowed", "message": "Your account's role does not allow this."}
    return render(request, "web/error.html", context, status=403)


def _refuse_json(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        response = JsonResponse({"error": "Authentication required: log in or send a token."}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="wirewatch"'
        return response
    return JsonResponse({"error": "Your account's role does not allow this."}, status=403)


def require_role(needed: Role, *, api: bool = False) -> Callable:
    """View decorator: the user must have at least ``needed``; else login redirect / 403 (or 401/403 JSON)."""
    refuse = _refuse_json if api else _refuse_page

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not has_role(request.user, needed):
                return refuse(request)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
