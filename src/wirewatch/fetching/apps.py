from django.apps import AppConfig


class FetchingConfig(AppConfig):
    name = "wirewatch.fetching"
    label = "fetching"
    verbose_name = "Fetching"
