from django.apps import AppConfig


class JapanConfig(AppConfig):
    name = "kyodo.japan"
    label = "japan"
    verbose_name = "Japanese calendar, text and number conventions"
