from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "wirewatch.archive"
    label = "archive"
    verbose_name = "Archive"

    def ready(self) -> None:
        from wirewatch.api import history  # noqa: F401 (registers the record's endpoints in the OpenAPI spec)
