from django.apps import AppConfig


class EntitiesConfig(AppConfig):
    name = "wirewatch.entities"
    label = "entities"
    verbose_name = "Entities"
