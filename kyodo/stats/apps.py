from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "kyodo.stats"
    label = "stats"
    verbose_name = "市民活動の統計"

    def ready(self) -> None:
        from kyodo.stats import navigation, permissions  # noqa: F401 - registrations
