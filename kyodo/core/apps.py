from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kyodo.core"
    label = "core"
    verbose_name = "Kyodo core"

    def ready(self) -> None:
        # Every app's permissions module registers its predicates on import, and its
        # navigation module its menu entries and dashboard panels (kyodo.core.navigation).
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("permissions")
        autodiscover_modules("navigation")
        # …and its audiences module who its roles are, for notifications (kyodo.core.events).
        autodiscover_modules("audiences")
        # …and its handlers module what its domain events set off.
        autodiscover_modules("handlers")
