from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "wirewatch.search"
    label = "search"
    verbose_name = "Search"
