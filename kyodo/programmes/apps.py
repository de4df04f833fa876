from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "kyodo.programmes"
    label = "programmes"
    verbose_name = "協働事業の制度・募集・市提案テーマ"
