from django.urls import path

from wirewatch.entities import views
from wirewatch.entities.feeds import AppearancesFeed

app_name = "entities"
urlpatterns = [
    path("entities/", views.entity_list, name="list"),
    path("entities/<slug:slug>/", views.entity_detail, name="detail"),
    path("entities/<slug:slug>/appearances/", views.appearances, name="appearances"),
    path("entities/<slug:slug>/appearances/feed.atom", AppearancesFeed(), name="appearances-feed"),
]
