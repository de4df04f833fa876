"""Usage statistics: a room's occupancy in a month counts the bookable slots of its open days
(closed days left out) and the slots booked, of which the no-shows' (the time was held
but not used: staff record them); the rate counts the slots used."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from kyodo.booking import selectors, services
from kyodo.booking.rules import at
from tests.booking.conftest import NOW, block, make_room, request


def test_it_counts_occupancy_per_room_and_month(
    time_machine: Any, as_user: Any, representative_a: Any, group_a: Any, center_staff: Any
) -> None:
    time_machine.move_to(NOW, tick=False)
    room = make_room(closed_weekdays=[1])  # Mondays: May 2026 has four
    for day, name in ((12, "afternoon"), (13, "evening"), (14, "morning")):
        services.booking_create(
            actor=representative_a,
            request=request(room, group_a, block(dt.date(2026, 5, day), name)),
        )
    late = services.booking_create(
        actor=representative_a, request=request(room, group_a, block(dt.date(2026, 5, 15)))
    )
    time_machine.move_to(at(dt.date(2026, 5, 15), dt.time(14)), tick=False)
    services.booking_act(actor=center_staff, booking=late, action="no_show")
    [row] = selectors.occupancy(dt.date(2026, 5, 1))
    # Four slots were booked; the no-show's was held but not used.
    assert (row.slots, row.booked, row.no_shows, row.used) == ((31 - 4) * 3, 4, 1, 3)
    assert row.percent == 4  # 3 used of 81
    page = as_user(center_staff).get(reverse("booking:stats") + "?month=2026-05")
    assert page.status_code == 200
    assert "<td>81</td><td>4</td><td>1</td><td>4%</td>" in page.content.decode()
