"""The portal's objects in the gate world: a notice in group A's representative's inbox and a
mail that could not be sent."""

from __future__ import annotations

from typing import Any

from kyodo.core.models import Delivery, DeliveryChannel, DeliveryStatus, OutboxEvent


def portal_world(world: Any) -> dict[str, Any]:
    event = OutboxEvent.objects.create(name="gate.notice")
    notice = Delivery.objects.create(
        event=event,
        channel=DeliveryChannel.INBOX,
        user=world.users["representative_a"],
        subject="お知らせ",
        status=DeliveryStatus.SENT,
    )
    failed = Delivery.objects.create(
        event=event,
        channel=DeliveryChannel.MAIL,
        address="someone@example.jp",
        subject="届かなかったメール",
        status=DeliveryStatus.FAILED,
        attempts=5,
    )
    return {"notice_a": notice, "failed_mail": failed}
