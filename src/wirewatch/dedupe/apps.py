from django.apps import AppConfig


class DedupeConfig(AppConfig):
    name = "wirewatch.dedupe"
    label = "dedupe"
    verbose_name = "Near-duplicates"

    def ready(self) -> None:
        from wirewatch.archive.signals import version_stored, versions_stored
        from wirewatch.dedupe.receivers import on_version_stored, on_versions_stored

        version_stored.connect(on_version_stored, dispatch_uid="dedupe.version_stored")
        versions_stored.connect(on_versions_stored, dispatch_uid="dedupe.versions_stored")
