from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "kyodo.booking"
    label = "booking"
    verbose_name = "活動場所の予約"
