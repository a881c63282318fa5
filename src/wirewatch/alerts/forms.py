"""The "Save search / Alert me" form: the query is checked with the search app's parser before it is kept."""

from __future__ import annotations

from django import forms

from wirewatch.alerts.matching import compiled
from wirewatch.alerts.models import Subscription


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

    def clean(self) -> dict:
        data = super().clean()
        if data.get("channel") == Subscription.Channel.WEBHOOK and not data.get("webhook_url"):
            self.add_error("webhook_url", "A webhook alert needs the address to POST to.")
        return data
