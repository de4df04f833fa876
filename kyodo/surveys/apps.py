from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "kyodo.surveys"
    label = "surveys"
    verbose_name = "市民意識調査"

    def ready(self) -> None:
        from kyodo.surveys import navigation, permissions  # noqa: F401 - registrations
