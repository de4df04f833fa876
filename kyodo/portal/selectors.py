"""Reads for the portal: a person's notices, the office's view of mail deliveries."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from kyodo.core.models import Delivery, DeliveryChannel, DeliveryStatus


def notices_of(user: Any) -> QuerySet[Delivery]:
    return Delivery.objects.filter(user=user, channel=DeliveryChannel.INBOX).order_by(
        "-created_at", "-pk"
    )


def unread_notices(user: Any, limit: int = 5) -> list[Delivery]:
    return list(notices_of(user).filter(read_at__isnull=True)[:limit])


def mail_deliveries(status: str | None) -> QuerySet[Delivery]:
    rows = Delivery.objects.filter(channel=DeliveryChannel.MAIL).select_related("event")
    if status in DeliveryStatus.values:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-pk")


def mail_counts() -> dict[str, int]:
    from django.db.models import Count

    counts = dict(
        Delivery.objects.filter(channel=DeliveryChannel.MAIL)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in DeliveryStatus.values}
