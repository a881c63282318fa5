from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "wirewatch.archive"
    label = "archive"
    verbose_name = "Archive"
