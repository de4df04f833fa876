"""A cancellation frees its time: it appears in the list and the Atom feed, groups watching
that room and day are told, and it leaves the list once someone books it again."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from typing import Any

from django.test import Client
from django.urls import reverse

from kyodo.booking import selectors, services
from kyodo.core.models import Delivery
from tests.booking.conftest import block, request

DAY = dt.date(2026, 5, 20)


def test_it_lists_feeds_and_announces_a_cancelled_slot(
    clock: Any, room: Any, representative_a: Any, group_a: Any, representative_b: Any, group_b: Any
) -> None:
    booking = services.booking_create(
        actor=representative_a, request=request(room, group_a, block(DAY))
    )
    services.watch_create(actor=representative_b, group=group_b, room=room, day=DAY)
    services.booking_act(
        actor=representative_a, booking=booking, action="cancel", reason="都合により"
    )
    assert [(s.room_id, s.starts_at) for s in selectors.freed_slots()] == [
        (room.pk, booking.starts_at)
    ]
    notices = Delivery.objects.filter(event__name="booking.freed", channel="inbox")
    assert [d.user for d in notices] == [representative_b]
    page = Client().get(reverse("booking:freed")).content.decode()
    assert "空きを見る" in page and str(room.name) in page
    feed = Client().get(reverse("booking:freed_feed"))
    assert feed["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(feed.content)  # noqa: S314 - our own feed, not untrusted input
    entries = root.findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 1 and "2026-05-20 13:00" in entries[0].findtext(
        "{http://www.w3.org/2005/Atom}title", ""
    )
    services.booking_create(actor=representative_b, request=request(room, group_b, block(DAY)))
    assert list(selectors.freed_slots()) == []
