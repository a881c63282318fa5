"""HTTP caching headers: Cache-Control for a CDN in front, and who may share a response.

Shared caches (a CDN, a proxy) may keep anonymous pages of a public Wirewatch for a short time and serve them
stale while they revalidate or while we are down (RFC 5861: stale-while-revalidate, stale-if-error). Anything
that depends on who asks (logged in, a token, private mode) is ``private, no-store``: never kept by a shared
cache. ETags and 304s for every GET come from Django's ConditionalGetMiddleware (RFC 9110 section 13);
the article page computes its ETag before rendering (web/views/articles.py), so a 304 costs no render.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

MAX_AGE = 10  # seconds a CDN may serve a page without asking: new articles show within this
STALE_WHILE_REVALIDATE = 30
STALE_IF_ERROR = 86400  # the sources go down often; so may we: a day-old page beats an error page
PRIVATE = "private, no-store"


def public_cache_control() -> str:
    return (
        f"public, max-age={MAX_AGE}, stale-while-revalidate={STALE_WHILE_REVALIDATE}, "
        f"stale-if-error={STALE_IF_ERROR}"
    )


def is_personal(request: HttpRequest) -> bool:
    """Whether the response may depend on who asks: a logged-in user, a token, or private mode."""
    if settings.WIREWATCH_PRIVATE or getattr(request, "api_token_used", False):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def cache_control(get_response: Callable[[HttpRequest], HttpResponse]):
    """Set Cache-Control on GET/HEAD answers that have none: public and short, or private and not stored."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if request.method not in ("GET", "HEAD") or response.has_header("Cache-Control"):
            return response
        if is_personal(request):
            response["Cache-Control"] = PRIVATE
        elif response.status_code in (200, 203, 204, 301, 304, 404, 410):
            response["Cache-Control"] = public_cache_control()
            # Logging in changes the page (the account menu): a shared cache must key on the cookie.
            patch_vary_headers(response, ("Cookie",))
        else:
            response["Cache-Control"] = "no-store"
        return response

    return middleware
