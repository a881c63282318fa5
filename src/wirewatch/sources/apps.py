from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "wirewatch.sources"
    label = "sources"
    verbose_name = "Sources"
