"""API rate limiting, per token (or logged-in user) else per client address, shared by all workers.

Runs as middleware after token authentication (accounts/middleware.py), over every path under /api/ and every
feed or export a program fetches, so a script cannot dodge the limit by switching endpoints.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from wirewatch.accounts import limits
from wirewatch.accounts.forms import client_ip
from wirewatch.accounts.middleware import is_machine_path

PERIOD_SECONDS = 60


def client_key(request: HttpRequest) -> str:
    if request.user.is_authenticated:
        return limits.counter_key("api-user", str(request.user.pk))
    return limits.counter_key("api-ip", client_ip(request))


def too_many(retry_after: int) -> JsonResponse:
    response = JsonResponse(
        {"error": f"Rate limit exceeded. Retry after {retry_after} seconds.", "retry_after": retry_after},
        status=429,
    )
    # RFC 9110 section 10.2.3: delay-seconds.
    response["Retry-After"] = str(retry_after)
    return response


def rate_limit(get_response: Callable[[HttpRequest], HttpResponse]):
    def middleware(request: HttpRequest) -> HttpResponse:
        if not is_machine_path(request.path):
            return get_response(request)
        limit = settings.WIREWATCH_API_RATE_LIMIT
        decision = limits.hit(client_key(request), limit, PERIOD_SECONDS)
        if not decision.allowed:
            return too_many(decision.retry_after)
        response = get_response(request)
        response["X-RateLimit-Limit"] = str(limit)
        response["X-RateLimit-Remaining"] = str(max(0, int(limit - decision.count - 1)))
        return response

    return middleware
