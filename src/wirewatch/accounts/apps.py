from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "wirewatch.accounts"
    label = "accounts"
    verbose_name = "Accounts"
