"""Lent equipment is shared by every room of a facility: bookings that overlap in time never
lend more units than the center has — at the boundary (a booking that ends as another starts
does not overlap), after a cancellation gives a unit back, when a booking moves, and when a
dozen people ask for the last projector at once from different rooms (whose room locks do not
serialise them) on PostgreSQL and on SQLite."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from kyodo.booking import services
from kyodo.booking.models import Booking, Equipment, Room
from kyodo.booking.rules import at
from kyodo.core.errors import DomainError
from tests.booking.conftest import make_room, request
from tests.booking.race import EQUIPMENT_ATTEMPTS, STOCK, equipment_race

ROOT = Path(__file__).resolve().parents[2]
DAY = dt.date(2026, 5, 20)
ALL_LENT = "すべて貸出中です"


def _hours(start: int, end: int) -> tuple[dt.datetime, dt.datetime]:
    return at(DAY, dt.time(start)), at(DAY, dt.time(end))


@pytest.fixture
def rooms(db: None) -> list[Room]:
    first = make_room(mode="hourly", name="会議室A")
    values = {"capacity": 20, "mode": "hourly", "max_active": 0, "max_per_month": 0}
    return [first] + [
        Room.objects.create(facility=first.facility, name=name, **values)
        for name in ("会議室B", "会議室C", "会議室D")
    ]


@pytest.fixture
def projector(rooms: list[Room]) -> Equipment:
    return Equipment.objects.create(facility=rooms[0].facility, name="プロジェクター", quantity=2)


def _book(actor: Any, group: Any, room: Room, hours: tuple[int, int], items: list[Any]) -> Booking:
    return services.booking_create(
        actor=actor, request=request(room, group, _hours(*hours)), equipment=items
    )


def test_it_lends_no_more_units_than_the_center_has(
    clock: Any, rooms: list[Room], projector: Equipment, representative_a: Any, group_a: Any
) -> None:
    a, b, c, d = rooms
    _book(representative_a, group_a, a, (13, 15), [projector])
    second = _book(representative_a, group_a, b, (14, 16), [projector])
    # 14:00–15:00 both units are out: a third is refused, beside the equipment field.
    with pytest.raises(DomainError, match=ALL_LENT) as refused:
        _book(representative_a, group_a, c, (14, 15), [projector])
    assert "equipment" in refused.value.errors
    # The same time without the projector is fine: only the stock is short, not the room.
    _book(representative_a, group_a, c, (14, 15), [])
    # 15:00–16:00: the first booking ends as this starts (no overlap), one unit is free.
    _book(representative_a, group_a, d, (15, 16), [projector])
    with pytest.raises(DomainError, match=ALL_LENT):
        _book(representative_a, group_a, a, (15, 17), [projector])
    # A cancelled booking gives its unit back.
    services.booking_act(actor=representative_a, booking=second, action="cancel")
    _book(representative_a, group_a, a, (15, 17), [projector])
    lent = Booking.objects.filter(equipment=projector, status__in=["confirmed", "requested"])
    assert lent.count() == 3
    assert Booking.objects.get(room=a, starts_at=_hours(15, 17)[0]).fee == 0


def test_it_checks_the_stock_again_when_a_booking_moves(
    clock: Any, rooms: list[Room], projector: Equipment, representative_a: Any, group_a: Any
) -> None:
    a, b, c, _ = rooms
    _book(representative_a, group_a, a, (9, 11), [projector])
    _book(representative_a, group_a, b, (9, 11), [projector])
    mine = _book(representative_a, group_a, c, (13, 15), [projector])
    with pytest.raises(DomainError, match=ALL_LENT):
        services.booking_change(
            actor=representative_a,
            booking=mine,
            starts_at=_hours(10, 12)[0],
            ends_at=_hours(10, 12)[1],
            attendees=10,
            purpose="定例会",
        )
    mine.refresh_from_db()
    assert mine.starts_at == _hours(13, 15)[0]
    # Moving within its own time (overlapping only itself) is allowed.
    services.booking_change(
        actor=representative_a,
        booking=mine,
        starts_at=_hours(14, 16)[0],
        ends_at=_hours(14, 16)[1],
        attendees=10,
        purpose="定例会",
    )


def test_it_refuses_equipment_of_another_facility(
    clock: Any, rooms: list[Room], representative_a: Any, group_a: Any
) -> None:
    elsewhere = make_room(name="別の施設の部屋")
    theirs = Equipment.objects.create(facility=elsewhere.facility, name="印刷機", quantity=5)
    with pytest.raises(DomainError, match="貸し出していない備品"):
        _book(representative_a, group_a, rooms[0], (13, 15), [theirs])
    assert not Booking.objects.exists()


def _assert_stock_held(outcome: dict[str, Any]) -> None:
    assert outcome["errors"] == []
    assert len(outcome["booked"]) == STOCK
    assert len(outcome["refusals"]) == EQUIPMENT_ATTEMPTS - STOCK
    assert all(ALL_LENT in message for message in outcome["refusals"])
    assert outcome["rows"] == STOCK


@pytest.fixture
def committed_db(transactional_db: None) -> Any:
    """Real commits, so the threads see each other's rows."""
    import importlib

    from django.apps import apps

    importlib.import_module("kyodo.registry.migrations.0002_seed_fields_and_areas").seed(apps, None)
    yield


def test_it_lends_the_last_units_once_when_many_ask_at_once_on_postgresql(
    committed_db: None,
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("this run is on SQLite: the SQLite race below covers it")
    _assert_stock_held(equipment_race())


@pytest.mark.slow
def test_it_lends_the_last_units_once_when_many_ask_at_once_on_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "equipment-race.sqlite3"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run(
        [sys.executable, "-m", "tests.booking.race", str(path), "equipment"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["vendor"] == "sqlite"
    _assert_stock_held(outcome)
