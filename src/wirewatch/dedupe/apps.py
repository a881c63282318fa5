from django.apps import AppConfig


class DedupeConfig(AppConfig):
    name = "wirewatch.dedupe"
    label = "dedupe"
    verbose_name = "Near-duplicates"

    def ready(self) -> None:
        from wirewatch.archive.signals import versions_stored
        from wirewatch.dedupe.receivers import on_versions_stored

        versions_stored.connect(on_versions_stored, dispatch_uid="dedupe.versions_stored")
