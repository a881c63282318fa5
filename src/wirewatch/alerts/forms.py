"""The "Save search / Alert me" form: the query is checked with the search app's parser before it is kept."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpcore
from django import forms

from wirewatch.alerts.matching import compiled
from wirewatch.alerts.models import Subscription
from wirewatch.fetching.guard import InternalAddressRefused, resolve_checked


class SaveSearchForm(forms.ModelForm):
    webhook_url = forms.URLField(required=False, max_length=2000, assume_scheme="https")

    class Meta:
        model = Subscription
        fields = [
            "name",
            "query",
            "dueum",
            "channel",
            "frequency",
            "email",
            "webhook_url",
            "shared",
            "notify_changes",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["query"].required = True

    def clean_query(self) -> str:
        query = self.cleaned_data["query"].strip()
        if compiled(query, True) is None:
            raise forms.ValidationError("This query cannot be searched: check it on the search page first.")
        return query

    def clean_webhook_url(self) -> str:
        """Refused now if it points at an internal address (delivery checks again, at connect time)."""
        url = self.cleaned_data["webhook_url"]
        if url:
            check_webhook_address(url)
        return url

    def clean(self) -> dict:
        data = super().clean()
        if data.get("channel") == Subscription.Channel.WEBHOOK and not data.get("webhook_url"):
            self.add_error("webhook_url", "A webhook alert needs the address to POST to.")
        return data


def check_webhook_address(url: str) -> None:
    """Raise ValidationError unless ``url``'s host resolves to addresses the SSRF guard allows."""
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        resolve_checked(parts.hostname or "", port)
    except InternalAddressRefused as refused:
        raise forms.ValidationError(
            f"Webhooks cannot go to internal addresses ({refused.args[0].split(';')[0]}). An administrator can "
            "allow internal networks with WIREWATCH_ALLOW_INTERNAL_SOURCES."
        ) from None
    except (httpcore.ConnectError, ValueError):
        raise forms.ValidationError("This webhook address's host name does not resolve.") from None
