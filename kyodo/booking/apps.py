import threading

from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "kyodo.booking"
    label = "booking"
    verbose_name = "活動場所の予約"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from kyodo.booking.models import Facility
        from kyodo.booking.selectors import facilities_changed

        # The availability search caches the facility list (selectors.facility_choices).
        post_save.connect(facilities_changed, sender=Facility, dispatch_uid="booking-facilities")
        post_delete.connect(
            facilities_changed, sender=Facility, dispatch_uid="booking-facilities-delete"
        )

        # Building a year of Japanese holidays (the `holidays` package) takes seconds the
        # first time; do it in the background at start-up so that the first visitor of a
        # room calendar does not wait for it.
        def warm() -> None:
            import datetime as dt

            from django.utils import timezone

            from kyodo.japan.calendar import holiday_name

            year = timezone.localdate().year
            for day in (dt.date(year, 1, 1), dt.date(year + 1, 1, 1)):
                holiday_name(day)

        threading.Thread(target=warm, name="holidays-warm-up", daemon=True).start()
