"""Rooms and helpers for the booking tests. The clock is moved with time_machine: NOW is a
Friday morning in Tokyo, 2026-05-01 10:00."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from kyodo.booking import services
from kyodo.booking.models import Facility, Room
from kyodo.booking.rules import at

NOW = at(dt.date(2026, 5, 1), dt.time(10, 0))


def make_room(**overrides: Any) -> Room:
    facility_values = {
        k: overrides.pop(k)
        for k in ("closed_weekdays", "closed_on_holidays", "opens_at", "closes_at")
        if k in overrides
    }
    facility = Facility.objects.create(name="市民活動センター", **facility_values)
    values: dict[str, Any] = {
        "name": "会議室A",
        "capacity": 20,
        "mode": "blocks",
        "max_active": 0,
        "max_per_month": 0,
        "advance_days": 60,
        "cancel_days": 3,
    }
    values.update(overrides)
    return Room.objects.create(facility=facility, **values)


def block(day: dt.date, name: str = "afternoon") -> tuple[dt.datetime, dt.datetime]:
    times = {
        "morning": (dt.time(9), dt.time(12)),
        "afternoon": (dt.time(13), dt.time(17)),
        "evening": (dt.time(18), dt.time(21, 30)),
    }[name]
    return at(day, times[0]), at(day, times[1])


def request(
    room: Room, group: Any, when: tuple[dt.datetime, dt.datetime], **kw: Any
) -> services.Request:
    return services.Request(
        room=room,
        starts_at=when[0],
        ends_at=when[1],
        group=group,
        purpose=kw.pop("purpose", "定例会"),
        attendees=kw.pop("attendees", 10),
        **kw,
    )


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def room(db: None) -> Room:
    return make_room()


@pytest.fixture
def representative_b(group_b: Any) -> Any:
    from kyodo.registry.models import GroupRole
    from tests import factories

    return factories.member(group_b, GroupRole.REPRESENTATIVE, full_name="代表 B")
