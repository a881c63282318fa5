"""Pages: save a search, follow an article or source, "My alerts", and the private feed of a saved search.

Everything a user owns is queried with ``owner=request.user``: another user's alert is a 404, never a 403.
Saving and following need the analyst role (accounts.roles); source-health alerts need an admin.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from wirewatch.accounts.middleware import unauthorized
from wirewatch.accounts.models import Role
from wirewatch.accounts.roles import has_role, require_role
from wirewatch.alerts import outbox
from wirewatch.alerts.feeds import visible_searches
from wirewatch.alerts.forms import SaveSearchForm
from wirewatch.alerts.models import Delivery, Subscription
from wirewatch.archive.models import Article
from wirewatch.sources.models import Source

RECENT = 5


def _mine(request: HttpRequest):
    return Subscription.objects.filter(owner=request.user)


def _with_recent(subscription: Subscription) -> Subscription:
    rows = subscription.deliveries.order_by("-id")
    subscription.recent = list(rows.exclude(status=Delivery.Status.FAILED)[:RECENT])
    subscription.failures = list(rows.filter(status=Delivery.Status.FAILED)[:RECENT])
    subscription.pending = rows.filter(status=Delivery.Status.PENDING).count()
    return subscription


@require_role(Role.ANALYST)
def my_alerts(request: HttpRequest) -> HttpResponse:
    mine = [
        _with_recent(s) for s in _mine(request).select_related("article", "source").order_by("kind", "name")
    ]
    shared = visible_searches(request.user).exclude(owner=request.user).select_related("owner")
    context = {"subscriptions": mine, "shared": shared, "is_admin": has_role(request.user, Role.ADMIN),
               "form": SaveSearchForm(initial={"email": request.user.email})}  # fmt: skip
    return render(request, "alerts/my_alerts.html", context)


@require_POST
@require_role(Role.ANALYST)
def save_search(request: HttpRequest) -> HttpResponse:
    form = SaveSearchForm(request.POST)
    if not form.is_valid():
        return render(request, "alerts/save_search.html", {"form": form}, status=400)
    subscription = form.save(commit=False)
    subscription.owner, subscription.kind = request.user, Subscription.Kind.SEARCH
    subscription.save()
    messages.success(request, f"Saved search “{subscription.name}”: you will be alerted on new matches.")
    return redirect("alerts:mine")


def _follow_target(request: HttpRequest) -> tuple[str, dict[str, Any], str]:
    kind = request.POST.get("kind", "")
    raw = request.POST.get("target", "")
    if kind == Subscription.Kind.ARTICLE and raw.isdigit() and len(raw) < 19:
        article = get_object_or_404(Article, pk=int(raw))
        return kind, {"article": article}, article.title[:150] or f"Article {article.pk}"
    if kind in (Subscription.Kind.SOURCE, Subscription.Kind.HEALTH):
        source = get_object_or_404(Source, slug=raw[:100]) if raw else None
        label = source.display_name if source else "all sources"
        return kind, {"source": source}, (f"Health of {label}" if kind == Subscription.Kind.HEALTH else label)
    return "", {}, ""


@require_POST
@require_role(Role.ANALYST)
def follow(request: HttpRequest) -> HttpResponse:
    kind, target, name = _follow_target(request)
    if not kind:
        return render(
            request, "web/error.html", {"title": "Bad request", "message": "Nothing to follow."}, status=400
        )
    if kind == Subscription.Kind.HEALTH and not has_role(request.user, Role.ADMIN):
        return render(
            request, "web/error.html", {"title": "Not allowed", "message": "Admins only."}, status=403
        )
    _, created = Subscription.objects.get_or_create(
        owner=request.user, kind=kind, **target, defaults={"name": name, "email": request.user.email}
    )
    messages.success(request, f"Following {name}." if created else f"You already follow {name}.")
    return redirect(request.POST.get("next") if _safe_next(request) else "alerts:mine")


def _safe_next(request: HttpRequest) -> bool:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    return bool(target) and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())


@require_POST
@require_role(Role.ANALYST)
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_object_or_404(_mine(request), pk=pk)
    subscription.delete()
    messages.success(request, f"Deleted “{subscription.name}”.")
    return redirect("alerts:mine")


@require_POST
@require_role(Role.ANALYST)
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_object_or_404(_mine(request), pk=pk)
    count = outbox.retry(subscription.deliveries.all())
    messages.success(request, f"{count} failed alert(s) will be sent again.")
    return redirect("alerts:mine")


def private_feed(view):
    """Feeds of saved searches answer 401 (with WWW-Authenticate) to anyone not signed in or tokened."""

    def wrapper(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return unauthorized("This feed is private: add ?token=<your API token>.")
        return view(request, **kwargs)

    return wrapper
