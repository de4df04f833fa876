"""What the booking's domain events set off: the group hears of every change of its booking."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_noop

from kyodo.booking.workflow import WORKFLOW
from kyodo.core.events import audience, mail_subject, notify, subscribe
from kyodo.core.models import OutboxEvent


@subscribe(
    "booking.confirm",
    "booking.approve",
    "booking.reject",
    "booking.cancel",
    "booking.void",
    "booking.release",
    "booking.confirm_win",
)
def _tell_the_group(event: OutboxEvent, booking: Any) -> None:
    if booking is None or booking.group_id is None:
        return
    notify(
        to=[audience("group", booking.group)],
        subject=mail_subject(
            gettext_noop("施設予約：%(room)s（%(state)s）"),
            room=str(booking.room),
            state=WORKFLOW.states[booking.status].group_label,
        ),
        template="booking/email/status.txt",
        context={
            "booking": booking,
            "state": WORKFLOW.states[booking.status].group_label,
            "reason": event.payload.get("reason", ""),
            "path": reverse("booking:detail", args=[booking.pk]),
        },
        event=event,
    )
