"""Buttons other apps' pages include: "Save search / Alert me" on /search, "Follow" on articles and sources.

Inclusion tags, so the search and web templates need one line each and no view of theirs changes.
"""

from __future__ import annotations

from django import template

from wirewatch.accounts.models import Role
from wirewatch.accounts.roles import has_role
from wirewatch.alerts.forms import SaveSearchForm

register = template.Library()


@register.inclusion_tag("alerts/_save_form.html", takes_context=True)
def save_search_form(context: template.Context, query: str) -> dict:
    request = context.get("request")
    allowed = request is not None and has_role(request.user, Role.ANALYST)
    email = getattr(getattr(request, "user", None), "email", "")
    form = SaveSearchForm(initial={"query": query, "name": query[:200], "email": email})
    return {"allowed": allowed and bool(query), "form": form, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("alerts/_follow.html", takes_context=True)
def follow_button(context: template.Context, kind: str, target: object, label: str = "Follow") -> dict:
    request = context.get("request")  # pages rendered without a request (cached fast paths) show no button
    if request is None or not has_role(request.user, Role.ANALYST):
        return {"allowed": False}
    return {"allowed": True, "kind": kind, "target": target, "label": label, "next": request.get_full_path(),
            "csrf_token": context.get("csrf_token"), "is_admin": has_role(request.user, Role.ADMIN)}  # fmt: skip
