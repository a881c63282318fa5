from django.apps import AppConfig


class DedupeConfig(AppConfig):
    name = "wirewatch.dedupe"
    label = "dedupe"
    verbose_name = "Near-duplicates"

    def ready(self) -> None:
        from wirewatch.archive import derived
        from wirewatch.archive.signals import versions_stored
        from wirewatch.dedupe.receivers import SIGNED, on_versions_stored

        versions_stored.connect(on_versions_stored, dispatch_uid="dedupe.versions_stored")
        derived.register(SIGNED, "wirewatch.dedupe.minhash:signed")
