"""Room booking (issue 13) at 100× a city's rooms and bookings.

A city like Kamakura books about 20 rooms (the center's two sites and a few public halls);
over a season of four months, at about half of the three daily blocks, that is some 3,600
bookings. 100× is 200 facilities, 2,000 rooms and 360,000 bookings (two months back, two
ahead). Timed: one room's month calendar, and the availability search across all rooms for
a week (the first page of 20 rooms, with the count of all 2,000). `scale` (the groups of
the registry suites) is ignored: the issue fixes the size.
"""

from __future__ import annotations

import datetime as dt
import random

from bench.generate import _analyze
from bench.suites import Scenario, Suite

FACILITIES, ROOMS_PER_FACILITY, DAYS_BACK, DAYS_AHEAD = 200, 10, 60, 60
BLOCKS = ((dt.time(9), dt.time(12)), (dt.time(13), dt.time(17)), (dt.time(18), dt.time(21, 30)))


def generate_booking(scale: int) -> int:
    from django.utils import timezone

    from kyodo.booking.models import Booking, Facility, Room
    from kyodo.booking.rules import at
    from kyodo.registry.models import CivicGroup

    rng = random.Random(13)
    today = timezone.localdate()
    groups = CivicGroup.objects.bulk_create(
        CivicGroup(
            name=f"予約ベンチ団体{n}",
            name_kana="よやくべんち",
            registered_until=today + dt.timedelta(days=365),
        )
        for n in range(200)
    )
    facilities = Facility.objects.bulk_create(
        Facility(name=f"ベンチ施設{n}", closed_weekdays=[1] if n % 2 else [])
        for n in range(FACILITIES)
    )
    rooms = Room.objects.bulk_create(
        Room(facility=f, name=f"会議室{k}", capacity=6 + 4 * k)
        for f in facilities
        for k in range(ROOMS_PER_FACILITY)
    )
    made = 0
    batch: list[Booking] = []
    for room in rooms:
        for offset in range(-DAYS_BACK, DAYS_AHEAD):
            day = today + dt.timedelta(days=offset)
            for start, end in BLOCKS:
                if rng.random() < 0.5:
                    continue
                batch.append(
                    Booking(
                        room=room,
                        group=groups[rng.randrange(len(groups))],
                        starts_at=at(day, start),
                        ends_at=at(day, end),
                        status="confirmed",
                        channel="web",
                        purpose="定例会",
                        attendees=5,
                    )
                )
        if len(batch) >= 20_000:
            Booking.objects.bulk_create(batch, batch_size=5000)
            made += len(batch)
            batch = []
    Booking.objects.bulk_create(batch, batch_size=5000)
    # Statistics, as autovacuum would have them in production: without them PostgreSQL reads
    # a room's month through the exclusion constraint's index (every active booking).
    _analyze()
    return made + len(batch)


def _month(scale: int) -> str:
    from django.utils import timezone

    from kyodo.booking.models import Room

    room = Room.objects.order_by("pk")[1000]
    return f"/rooms/{room.pk}/?view=month&day={timezone.localdate().replace(day=1):%Y-%m-%d}"


def _search(scale: int) -> str:
    from django.utils import timezone

    return f"/rooms/?week={timezone.localdate():%Y-%m-%d}"


def _search_capacity(scale: int) -> str:
    from django.utils import timezone

    return f"/rooms/?week={timezone.localdate():%Y-%m-%d}&capacity=30&page=20"


SUITE = Suite(
    name="booking",
    generate=generate_booking,
    scenarios=[
        Scenario("booking_room_month", "部屋の月間カレンダー 2,000室・36万件", _month),
        Scenario("booking_search_week", "全室の1週間の空き検索 1ページ目", _search),
        Scenario("booking_search_filtered", "空き検索 定員30人以上・20ページ目", _search_capacity),
    ],
)
