"""The login form with throttling, and the small forms of the account pages."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm

from wirewatch.accounts import limits


def client_ip(request) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a proxy we trust sets it (docs/accounts.md).
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form, locked for a while after too many failures for one username from one address."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": "Too many failed logins. Try again in %(minutes)s minutes.",
    }

    def clean(self):
        key = limits.counter_key("login", (self.data.get("username") or "").lower(), client_ip(self.request))
        limit, period = settings.WIREWATCH_LOGIN_FAILURES, settings.WIREWATCH_LOGIN_LOCK_SECONDS
        decision = limits.peek(key, limit, period)
        if not decision.allowed:
            minutes = max(1, round(decision.retry_after / 60))
            raise forms.ValidationError(
                self.error_messages["throttled"], code="throttled", params={"minutes": minutes}
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            limits.hit(key, limit, period)
            raise
        if self.get_user() is not None:  # only a real login clears; an empty password field must not
            limits.reset(key)
        return cleaned


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What the token is for, e.g. the feed reader's name.")


class NoteForm(forms.Form):
    text = forms.CharField(max_length=10_000, widget=forms.Textarea(attrs={"rows": 3}))
