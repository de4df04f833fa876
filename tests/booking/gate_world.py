"""The booking app's objects in the gates' world (tests/gates): registered in
tests/gates/test_authorization_matrix.py WORLD_BUILDERS.

One facility with one room (registered groups only), group A's confirmed booking three
weeks ahead (so it can still be cancelled), a lottery open for entries with group A's
entry, and group A's private calendar feed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from kyodo.booking import services
from kyodo.booking.models import Facility, LotteryRound, Room
from kyodo.booking.rules import at


def booking_world(world: Any) -> dict[str, Any]:
    rep = world.users["representative_a"]
    facility = Facility.objects.create(name="ゲートのセンター")
    room = Room.objects.create(
        facility=facility, name="ゲートの会議室", capacity=20, max_active=0, max_per_month=0
    )
    lottery_room = Room.objects.create(
        facility=facility, name="抽選の会議室", capacity=20, max_active=0, max_per_month=0
    )
    today = timezone.localdate()
    day = today + dt.timedelta(days=21)
    booking = services.booking_create(
        actor=rep,
        request=services.Request(
            room=room,
            starts_at=at(day, dt.time(13)),
            ends_at=at(day, dt.time(17)),
            group=world.group_a,
            purpose="ゲートの定例会",
            attendees=8,
        ),
    )
    lottery = LotteryRound.objects.create(
        title="ゲートの抽選",
        first_day=today + dt.timedelta(days=40),
        last_day=today + dt.timedelta(days=50),
        entries_open_at=timezone.now() - dt.timedelta(days=1),
        entries_close_at=timezone.now() + dt.timedelta(days=5),
        confirm_by=timezone.now() + dt.timedelta(days=10),
    )
    lottery.rooms.add(lottery_room)
    lottery_day = today + dt.timedelta(days=41)
    entry = services.lottery_enter(
        actor=rep,
        lottery=lottery,
        request=services.Request(
            room=lottery_room,
            starts_at=at(lottery_day, dt.time(18)),
            ends_at=at(lottery_day, dt.time(21, 30)),
            group=world.group_a,
            purpose="ゲートの抽選申込",
            attendees=8,
        ),
    )
    return {
        "booking_facility": facility,
        "booking_room": room,
        "booking_lottery_room": lottery_room,
        "booking_a": booking,
        "booking_lottery": lottery,
        "booking_entry_a": entry,
        "booking_feed_a": services.group_feed(group=world.group_a),
    }
