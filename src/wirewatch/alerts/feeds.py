"""The private feed of a saved search: its matches, newest first, with the feeds app's item logic.

Private: only the owner (or anyone signed in, when shared) may read it; a feed reader signs in with the
owner's API token in the URL (``?token=``, accepted on feed paths by accounts.middleware).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import urlencode

from wirewatch.alerts.models import Subscription
from wirewatch.archive.models import Article
from wirewatch.feeds.syndication import ArticleFeed, AtomMixin
from wirewatch.search.narrow import narrow


def visible_searches(user) -> QuerySet[Subscription]:
    """Saved searches ``user`` may read: their own, and those others shared."""
    return Subscription.objects.filter(Q(owner=user) | Q(shared=True), kind=Subscription.Kind.SEARCH)


class SavedSearchFeed(ArticleFeed):
    def get_object(self, request: HttpRequest, pk: int) -> Subscription:
        if not request.user.is_authenticated:
            raise Http404  # the view wrapper answers 401 first; this is the belt to its braces
        return get_object_or_404(visible_searches(request.user), pk=pk)

    def title(self, obj: Subscription) -> str:
        return f"{obj.name} — Wirewatch saved search"

    def link(self, obj: Subscription) -> str:
        return reverse("search:search") + "?" + urlencode({"q": obj.query})

    def description(self, obj: Subscription) -> str:
        return f"Articles matching {obj.query}, as they arrive."

    def articles(self, obj: Subscription) -> QuerySet[Article]:
        # The search itself (not only what was alerted on), so a new saved search's feed is not empty.
        return narrow(Article.objects.filter(current_version__isnull=False), obj.query, obj.dueum)


class SavedSearchAtomFeed(AtomMixin, SavedSearchFeed):
    pass
