"""Token authentication and private mode, for every request.

A token (``Authorization: Bearer <token>``, or ``?token=`` on feeds and API paths, for feed readers that cannot
send headers) makes the request act as the token's owner, for this request only: no session is created. Private
mode (``WIREWATCH_PRIVATE=1``) then turns away anyone not logged in, except from the pages needed to log in.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse

from wirewatch.accounts import tokens

# Paths whose clients are programs (feed readers, scripts): tokens accepted in the query, JSON 401 when missing.
MACHINE_SUFFIXES = (".rss", ".atom", ".json", ".jsonl", ".csv", "/opml")
# Reachable without an account in private mode: logging in needs them. /admin/ does its own login.
PUBLIC_PREFIXES = ("/account/login/", "/account/password-reset/", "/account/reset/", "/static/", "/admin/")


def is_machine_path(path: str) -> bool:
    return path.startswith("/api/") or path.endswith(MACHINE_SUFFIXES)


def bearer_token(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    if is_machine_path(request.path) and request.GET.get("token"):
        return request.GET["token"]
    return None


def unauthorized(message: str) -> JsonResponse:
    response = JsonResponse({"error": message}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="wirewatch"'
    return response


def token_authentication(get_response: Callable[[HttpRequest], HttpResponse]):
    def middleware(request: HttpRequest) -> HttpResponse:
        request.api_token_used = False
        raw = bearer_token(request)
        if raw is not None:
            user = tokens.user_for(raw)
            if user is None:
                # A wrong token is an error, not a silent fall back to anonymous reading.
                return unauthorized("The token is not valid or was revoked.")
            request.user = user
            request.api_token_used = True
        return get_response(request)

    return middleware


def private_mode(get_response: Callable[[HttpRequest], HttpResponse]):
    def middleware(request: HttpRequest) -> HttpResponse:
        if (
            settings.WIREWATCH_PRIVATE
            and not request.user.is_authenticated
            and not request.path.startswith(PUBLIC_PREFIXES)
        ):
            if is_machine_path(request.path):
                return unauthorized("This Wirewatch is private: send a token.")
            return redirect_to_login(request.get_full_path())
        return get_response(request)

    return middleware
