"""Writes of the portal: reading a notice, resending a failed mail."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from kyodo.core import events
from kyodo.core.models import Delivery
from kyodo.core.permissions import authorize


def notice_read(*, actor: Any, notice: Delivery) -> Delivery:
    authorize(actor, "portal.inbox", notice)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice


@transaction.atomic
def notices_read_all(*, actor: Any) -> int:
    authorize(actor, "portal.inbox")
    from kyodo.portal.selectors import notices_of

    return notices_of(actor).filter(read_at__isnull=True).update(read_at=timezone.now())


def mail_resend(*, actor: Any, delivery: Delivery) -> Delivery:
    authorize(actor, "portal.manage_mail", delivery)
    return events.resend(actor=actor, delivery=delivery)
