from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "kyodo.registry"
    label = "registry"
    verbose_name = "市民活動団体の登録"
