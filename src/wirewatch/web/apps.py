from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "wirewatch.web"
    label = "web"
    verbose_name = "Web"
