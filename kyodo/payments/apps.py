from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "kyodo.payments"
    label = "payments"
    verbose_name = "協働事業のお金（交付・支払・精算）"
