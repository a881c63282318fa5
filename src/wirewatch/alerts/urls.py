from django.urls import path

from wirewatch.alerts import views
from wirewatch.alerts.feeds import SavedSearchAtomFeed, SavedSearchFeed
from wirewatch.feeds.jsonfeed import json_feed_view
from wirewatch.feeds.syndication import feed_view

app_name = "alerts"

urlpatterns = [
    path("alerts/", views.my_alerts, name="mine"),
    path("alerts/save", views.save_search, name="save"),
    path("alerts/follow", views.follow, name="follow"),
    path("alerts/<int:pk>/delete", views.delete, name="delete"),
    path("alerts/<int:pk>/retry", views.retry, name="retry"),
    # The feeds app's three formats (feeds/urls.py feed_urls), each behind the private-feed check.
    path("alerts/<int:pk>/feed.rss", views.private_feed(feed_view(SavedSearchFeed)), name="feed-rss"),
    path("alerts/<int:pk>/feed.atom", views.private_feed(feed_view(SavedSearchAtomFeed)), name="feed-atom"),
    path("alerts/<int:pk>/feed.json", views.private_feed(json_feed_view(SavedSearchFeed)), name="feed-json"),
]
