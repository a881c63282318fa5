"""What every template may ask about the visitor's role (menus, export links, note forms)."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from wirewatch.accounts.models import Role
from wirewatch.accounts.roles import has_role, role_of


def roles(request: HttpRequest) -> dict:
    # Lazy: pages that never ask cost no query.
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {
        "user_role": SimpleLazyObject(lambda: role_of(user)),
        "can_export": SimpleLazyObject(lambda: has_role(user, Role.ANALYST)),
    }
