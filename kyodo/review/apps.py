from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "kyodo.review"
    label = "review"
    verbose_name = "選考委員会と審査"
