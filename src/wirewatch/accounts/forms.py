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
    """Django's login form, locked for a while after too many failures for one username from one address; and,
    at four times that, for one username from anywhere (a botnet guessing one password) or one address trying
    any names (password spraying)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": "Too many failed logins. Try again in %(minutes)s minutes.",
    }

    def _counters(self) -> list[tuple[str, int]]:
        name, ip = (self.data.get("username") or "").lower(), client_ip(self.request)
        limit = settings.WIREWATCH_LOGIN_FAILURES
        return [
            (limits.counter_key("login", name, ip), limit),
            (limits.counter_key("login-name", name), limit * 4),
            (limits.counter_key("login-address", ip), limit * 4),
        ]

    def clean(self):
        counters, period = self._counters(), settings.WIREWATCH_LOGIN_LOCK_SECONDS
        refused = [d for d in (limits.peek(key, limit, period) for key, limit in counters) if not d.allowed]
        if refused:
            minutes = max(1, round(max(d.retry_after for d in refused) / 60))
            raise forms.ValidationError(
                self.error_messages["throttled"], code="throttled", params={"minutes": minutes}
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            for key, limit in counters:
                limits.hit(key, limit, period)
            raise
        if self.get_user() is not None:  # only a real login clears; an empty password field must not
            limits.reset(counters[0][0])  # the wider counters wait out their window: the guessing goes on
        return cleaned


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What the token is for, e.g. the feed reader's name.")


class NoteForm(forms.Form):
    text = forms.CharField(max_length=10_000, widget=forms.Textarea(attrs={"rows": 3}))
