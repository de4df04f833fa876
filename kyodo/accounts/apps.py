from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kyodo.accounts"
    label = "accounts"
    verbose_name = "アカウントと役割"
