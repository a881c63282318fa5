from django.urls import path, re_path

from wirewatch.search import views

app_name = "search"
# The API path is matched here, before api/v1/'s catch-all 404.
urlpatterns = [
    path("search", views.search_page, name="search"),
    re_path(r"^api/v1/search/?$", views.search_api, name="api"),
]
