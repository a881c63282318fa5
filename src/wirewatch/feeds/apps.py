from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "wirewatch.feeds"
    label = "feeds"
    verbose_name = "Feeds out"
