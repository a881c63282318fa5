from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "wirewatch.alerts"
    label = "alerts"
    verbose_name = "Saved searches and alerts"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from wirewatch.alerts import receivers
        from wirewatch.archive.models import ChangeEvent
        from wirewatch.archive.signals import versions_stored

        versions_stored.connect(receivers.versions_stored_to_queue, dispatch_uid="wirewatch.alerts.versions")
        # ChangeEvent rows are written by the archive (edits in store.py, removals in recheck.py); Django's own
        # post_save tells us inside that same transaction, without the archive knowing about alerts.
        post_save.connect(
            receivers.change_to_queue, sender=ChangeEvent, dispatch_uid="wirewatch.alerts.change"
        )
