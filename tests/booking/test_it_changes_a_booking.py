"""A group moves its booking to another time: the same rules as a new booking, never onto
a taken time, not after the deadline (staff still can), and the old time is freed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kyodo.booking import selectors, services
from kyodo.booking.rules import at
from kyodo.core.errors import DomainError
from kyodo.core.permissions import NotAllowed
from tests.booking.conftest import NOW, block, request

DAY = dt.date(2026, 5, 20)


def test_it_moves_a_booking_and_frees_the_old_time(
    time_machine: Any,
    room: Any,
    representative_a: Any,
    group_a: Any,
    representative_b: Any,
    group_b: Any,
    center_staff: Any,
) -> None:
    time_machine.move_to(NOW, tick=False)
    mine = services.booking_create(
        actor=representative_a, request=request(room, group_a, block(DAY))
    )
    services.booking_create(
        actor=representative_b, request=request(room, group_b, block(DAY, "evening"))
    )
    with pytest.raises(DomainError, match="すでに予約が入っています"):
        services.booking_change(
            actor=representative_a,
            booking=mine,
            starts_at=block(DAY, "evening")[0],
            ends_at=block(DAY, "evening")[1],
            attendees=10,
            purpose="定例会",
        )
    morning = block(DAY, "morning")
    services.booking_change(
        actor=representative_a,
        booking=mine,
        starts_at=morning[0],
        ends_at=morning[1],
        attendees=12,
        purpose="定例会",
    )
    mine.refresh_from_db()
    assert (mine.starts_at, mine.attendees) == (morning[0], 12)
    assert [s.starts_at for s in selectors.freed_slots()] == [block(DAY)[0]]

    time_machine.move_to(at(dt.date(2026, 5, 18), dt.time(0)), tick=False)
    with pytest.raises(NotAllowed):
        services.booking_change(
            actor=representative_a,
            booking=mine,
            starts_at=block(DAY)[0],
            ends_at=block(DAY)[1],
            attendees=12,
            purpose="定例会",
        )
    services.booking_change(
        actor=center_staff,
        booking=mine,
        starts_at=block(DAY)[0],
        ends_at=block(DAY)[1],
        attendees=12,
        purpose="定例会",
    )
    mine.refresh_from_db()
    assert mine.starts_at == block(DAY)[0]
