from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "wirewatch.api"
    label = "api"
    verbose_name = "API"
