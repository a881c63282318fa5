from django.apps import AppConfig


class EntitiesConfig(AppConfig):
    name = "wirewatch.entities"
    label = "entities"
    verbose_name = "Entities"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from wirewatch.archive import derived
        from wirewatch.archive.signals import versions_stored
        from wirewatch.entities.models import Alias, Entity
        from wirewatch.entities.reading import TEXT_DATES
        from wirewatch.entities.receivers import on_versions_stored

        versions_stored.connect(on_versions_stored, dispatch_uid="entities.versions_stored")
        derived.register(TEXT_DATES, "wirewatch.entities.reading:text_dates")
        # Admin edits (one row at a time) move the revision, so every process rebuilds its matcher.
        for model in (Entity, Alias):
            post_save.connect(
                _gazetteer_changed, sender=model, dispatch_uid=f"entities.saved.{model.__name__}"
            )
            post_delete.connect(
                _gazetteer_changed, sender=model, dispatch_uid=f"entities.deleted.{model.__name__}"
            )


def _gazetteer_changed(sender, **kwargs) -> None:
    from wirewatch.entities.gazetteer import bump_revision

    bump_revision()
