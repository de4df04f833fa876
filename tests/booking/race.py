"""Fifty people book the same room and time at the same moment (threads, each with its own
database connection and real commits). Used by test_it_never_double_books.py: in-process on
PostgreSQL, and on SQLite in a child process with a file database (an in-memory test
database shares one cache between threads and refuses concurrent writers outright).

    python -m tests.booking.race /tmp/race.sqlite3   # prints the outcome as JSON

`equipment_race` is the same for lent equipment: each person books a different room of one
facility at the same time, all asking for a projector the center has STOCK of — the room
locks do not serialise them, the equipment lock must.

    python -m tests.booking.race /tmp/race.sqlite3 equipment
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import threading
from typing import Any

ATTEMPTS = 50
EQUIPMENT_ATTEMPTS, STOCK = 12, 2


def race(attempts: int = ATTEMPTS) -> dict[str, Any]:
    from django.db import connections
    from django.utils import timezone

    from kyodo.accounts.models import Role
    from kyodo.booking import services
    from kyodo.booking.models import Booking, Facility, Room
    from kyodo.booking.rules import at
    from kyodo.core.errors import DomainError
    from kyodo.registry.models import GroupRole
    from tests import factories

    facility = Facility.objects.create(name="競争センター")
    room = Room.objects.create(
        facility=facility, name="人気の会議室", capacity=30, max_active=0, max_per_month=0
    )
    people = []
    for n in range(attempts):
        group = factories.CivicGroupFactory(registered=True, name=f"団体{n}", name_kana="だんたい")
        people.append((factories.member(group, GroupRole.REPRESENTATIVE), group))
    staff = factories.staff_user(Role.CENTER)
    day = timezone.localdate() + dt.timedelta(days=10)
    starts_at, ends_at = at(day, dt.time(13)), at(day, dt.time(17))
    barrier = threading.Barrier(attempts)
    booked: list[int] = []
    refusals: list[str] = []
    errors: list[str] = []

    def attempt(index: int) -> None:
        user, group = people[index]
        try:
            barrier.wait(timeout=30)
            booking = services.booking_create(
                actor=user,
                request=services.Request(
                    room=room,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    group=group,
                    purpose="定例会",
                    attendees=10,
                ),
            )
            booked.append(booking.pk)
        except DomainError as exc:
            refusals.append(str(exc.message))
        except BaseException as exc:  # reported, so the test shows what went wrong
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    del staff
    return {
        "vendor": connections["default"].vendor,
        "booked": booked,
        "refusals": refusals,
        "errors": errors,
        "rows": Booking.objects.filter(room=room, status__in=["requested", "confirmed"]).count(),
    }


def equipment_race(attempts: int = EQUIPMENT_ATTEMPTS) -> dict[str, Any]:
    from django.db import connections
    from django.utils import timezone

    from kyodo.booking import services
    from kyodo.booking.models import Booking, Equipment, Facility, Room
    from kyodo.booking.rules import at
    from kyodo.core.errors import DomainError
    from kyodo.registry.models import GroupRole
    from tests import factories

    facility = Facility.objects.create(name="備品センター")
    projector = Equipment.objects.create(facility=facility, name="プロジェクター", quantity=STOCK)
    rooms = [
        Room.objects.create(
            facility=facility, name=f"会議室{n}", capacity=30, max_active=0, max_per_month=0
        )
        for n in range(attempts)
    ]
    people = []
    for n in range(attempts):
        group = factories.CivicGroupFactory(
            registered=True, name=f"備品団体{n}", name_kana="びひん"
        )
        people.append((factories.member(group, GroupRole.REPRESENTATIVE), group))
    day = timezone.localdate() + dt.timedelta(days=10)
    starts_at, ends_at = at(day, dt.time(13)), at(day, dt.time(17))
    barrier = threading.Barrier(attempts)
    booked: list[int] = []
    refusals: list[str] = []
    errors: list[str] = []

    def attempt(index: int) -> None:
        user, group = people[index]
        try:
            barrier.wait(timeout=30)
            booking = services.booking_create(
                actor=user,
                request=services.Request(
                    room=rooms[index],
                    starts_at=starts_at,
                    ends_at=ends_at,
                    group=group,
                    purpose="上映会",
                    attendees=10,
                ),
                equipment=[projector],
            )
            booked.append(booking.pk)
        except DomainError as exc:
            refusals.append(str(exc.message))
        except BaseException as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return {
        "vendor": connections["default"].vendor,
        "booked": booked,
        "refusals": refusals,
        "errors": errors,
        "rows": Booking.objects.filter(
            equipment=projector, status__in=["requested", "confirmed"]
        ).count(),
    }


def main(path: str, which: str = "room") -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("KYODO_TESTING", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kyodo.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    outcome = equipment_race() if which == "equipment" else race()
    print(json.dumps(outcome, ensure_ascii=False))


if __name__ == "__main__":
    main(*sys.argv[1:3])
