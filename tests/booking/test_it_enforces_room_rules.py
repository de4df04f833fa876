"""Every rule of a room at its boundary: the advance window, the limits per group, the
cancellation deadline, closed days, holidays and closures, opening hours and modes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kyodo.booking import services
from kyodo.booking.models import Closure
from kyodo.booking.rules import at
from kyodo.core.errors import DomainError
from kyodo.core.permissions import NotAllowed
from tests.booking.conftest import NOW, block, make_room, request

TODAY = NOW.date()


def book(actor: Any, room: Any, group: Any, when: Any, **kw: Any) -> Any:
    return services.booking_create(actor=actor, request=request(room, group, when, **kw))


def test_it_books_up_to_the_last_day_of_the_advance_window(
    clock: Any, representative_a: Any, group_a: Any
) -> None:
    room = make_room(advance_days=30)
    last = TODAY + dt.timedelta(days=30)
    booking = book(representative_a, room, group_a, block(last))
    assert booking.status == "confirmed"
    with pytest.raises(DomainError, match="30日先") as refused:
        book(representative_a, room, group_a, block(last + dt.timedelta(days=1)))
    assert refused.value.field == "day"


def test_it_refuses_a_time_already_past(
    clock: Any, representative_a: Any, group_a: Any, room: Any
) -> None:
    with pytest.raises(DomainError, match="過ぎた時間"):
        book(representative_a, room, group_a, block(TODAY, "morning"))  # 9:00, it is 10:00
    assert book(representative_a, room, group_a, block(TODAY, "afternoon")).pk


def test_it_holds_a_group_to_its_bookings_at_once(
    clock: Any, representative_a: Any, group_a: Any
) -> None:
    room = make_room(max_active=2)
    book(representative_a, room, group_a, block(TODAY + dt.timedelta(days=7)))
    book(representative_a, room, group_a, block(TODAY + dt.timedelta(days=14)))
    with pytest.raises(DomainError, match="2件まで"):
        book(representative_a, room, group_a, block(TODAY + dt.timedelta(days=21)))


def test_it_holds_a_group_to_its_bookings_per_month(
    clock: Any, representative_a: Any, group_a: Any
) -> None:
    room = make_room(max_per_month=2)
    book(representative_a, room, group_a, block(dt.date(2026, 5, 11)))
    book(representative_a, room, group_a, block(dt.date(2026, 5, 31), "evening"))
    with pytest.raises(DomainError, match="この月に予約できるのは2件"):
        book(representative_a, room, group_a, block(dt.date(2026, 5, 20)))
    # The first day of the next month counts towards June.
    assert book(representative_a, room, group_a, block(dt.date(2026, 6, 1))).pk


def test_it_lets_a_group_cancel_until_the_end_of_the_deadline_day(
    time_machine: Any, representative_a: Any, group_a: Any, room: Any
) -> None:
    time_machine.move_to(NOW, tick=False)
    day = dt.date(2026, 5, 20)  # cancel_days=3: online until 5/17 23:59:59
    first = book(representative_a, room, group_a, block(day, "morning"))
    second = book(representative_a, room, group_a, block(day, "evening"))
    time_machine.move_to(at(dt.date(2026, 5, 17), dt.time(23, 59, 59)), tick=False)
    services.booking_act(actor=representative_a, booking=first, action="cancel")
    assert first.status == "cancelled"
    time_machine.move_to(at(dt.date(2026, 5, 18), dt.time(0, 0)), tick=False)
    with pytest.raises(DomainError, match="取消しの期限"):
        services.booking_act(actor=representative_a, booking=second, action="cancel")


def test_it_lets_staff_cancel_after_the_deadline_at_the_window(
    time_machine: Any, representative_a: Any, center_staff: Any, group_a: Any, room: Any
) -> None:
    time_machine.move_to(NOW, tick=False)
    booking = book(representative_a, room, group_a, block(dt.date(2026, 5, 20)))
    time_machine.move_to(at(dt.date(2026, 5, 19), dt.time(9)), tick=False)
    services.booking_act(actor=center_staff, booking=booking, action="cancel")
    assert booking.status == "cancelled"


def test_it_refuses_closed_weekdays_holidays_and_closures(
    clock: Any, representative_a: Any, group_a: Any
) -> None:
    room = make_room(closed_weekdays=[1], closed_on_holidays=True)
    with pytest.raises(DomainError, match="定休日"):
        book(representative_a, room, group_a, block(dt.date(2026, 5, 11)))  # a Monday
    with pytest.raises(DomainError, match="憲法記念日"):
        book(representative_a, room, group_a, block(dt.date(2026, 5, 3)))  # Sunday, a holiday
    with pytest.raises(DomainError, match="祝日"):
        book(representative_a, room, group_a, block(dt.date(2026, 5, 6)))  # substitute holiday
    assert book(representative_a, room, group_a, block(dt.date(2026, 5, 7))).pk
    Closure.objects.create(
        facility=room.facility,
        room=None,
        starts_on=dt.date(2026, 5, 14),
        ends_on=dt.date(2026, 5, 15),
        reason="点検",
    )
    with pytest.raises(DomainError, match="臨時休館（点検）"):
        book(representative_a, room, group_a, block(dt.date(2026, 5, 15)))
    assert book(representative_a, room, group_a, block(dt.date(2026, 5, 16))).pk


def test_it_keeps_hourly_and_free_rooms_to_their_units(
    clock: Any, representative_a: Any, group_a: Any
) -> None:
    day = dt.date(2026, 5, 12)
    hourly = make_room(mode="hourly")
    with pytest.raises(DomainError, match="00分"):
        book(representative_a, hourly, group_a, (at(day, dt.time(13, 30)), at(day, dt.time(15))))
    assert book(representative_a, hourly, group_a, (at(day, dt.time(13)), at(day, dt.time(15)))).pk
    free = make_room(mode="free", min_minutes=60, max_minutes=120)
    with pytest.raises(DomainError, match="最短利用時間は60分"):
        book(representative_a, free, group_a, (at(day, dt.time(10)), at(day, dt.time(10, 45))))
    with pytest.raises(DomainError, match="最長利用時間は120分"):
        book(representative_a, free, group_a, (at(day, dt.time(10)), at(day, dt.time(12, 15))))
    assert book(representative_a, free, group_a, (at(day, dt.time(10)), at(day, dt.time(12)))).pk
    with pytest.raises(DomainError, match="開館時間"):
        book(representative_a, free, group_a, (at(day, dt.time(21)), at(day, dt.time(22))))


def test_it_refuses_more_people_than_the_room_holds(
    clock: Any, representative_a: Any, group_a: Any
) -> None:
    room = make_room(capacity=12)
    with pytest.raises(DomainError, match="定員（12人）"):
        book(representative_a, room, group_a, block(dt.date(2026, 5, 12)), attendees=13)
    assert book(representative_a, room, group_a, block(dt.date(2026, 5, 12)), attendees=12).pk


def test_it_charges_the_fee_less_the_registered_groups_exemption(
    clock: Any, representative_a: Any, group_a: Any, center_staff: Any
) -> None:
    room = make_room(
        fee_per_hour=300, payment="window", registered_discount=50, who_may_book="anyone"
    )
    registered = book(representative_a, room, group_a, block(dt.date(2026, 5, 12)))  # 4 hours
    assert registered.fee == 600
    walk_in = book(
        center_staff,
        room,
        None,
        block(dt.date(2026, 5, 13)),
        channel="window",
        holder_name="窓口 花子",
    )
    assert walk_in.fee == 1200 and walk_in.channel == "window" and walk_in.booked_by == center_staff


def test_it_waits_for_approval_where_the_room_needs_it(
    clock: Any, representative_a: Any, group_a: Any, center_staff: Any
) -> None:
    room = make_room(needs_approval=True)
    booking = book(representative_a, room, group_a, block(dt.date(2026, 5, 12)))
    assert booking.status == "requested"
    with pytest.raises(NotAllowed):
        services.booking_act(actor=representative_a, booking=booking, action="approve")
    services.booking_act(actor=center_staff, booking=booking, action="approve")
    assert booking.status == "confirmed"


def test_it_keeps_unregistered_people_out_of_rooms_for_registered_groups(
    clock: Any, resident: Any, room: Any
) -> None:
    with pytest.raises(DomainError, match="登録団体だけ") as refused:
        book(resident, room, None, block(dt.date(2026, 5, 12)))
    assert refused.value.field == "group"


def test_it_records_a_staff_correction_without_counting_it_as_a_cancellation(
    clock: Any, representative_a: Any, group_a: Any, center_staff: Any, room: Any
) -> None:
    booking = book(representative_a, room, group_a, block(dt.date(2026, 5, 12)))
    with pytest.raises(DomainError, match="理由"):
        services.booking_act(actor=center_staff, booking=booking, action="void")
    services.booking_act(
        actor=center_staff, booking=booking, action="void", reason="日付の入力誤り"
    )
    assert booking.status == "voided"
    from kyodo.booking.selectors import bookings_per_group

    assert bookings_per_group(dt.date(2026, 5, 1)) == []


def test_it_records_a_no_show_only_once_the_time_has_started(
    time_machine: Any, representative_a: Any, group_a: Any, center_staff: Any, room: Any
) -> None:
    time_machine.move_to(NOW, tick=False)
    booking = book(representative_a, room, group_a, block(dt.date(2026, 5, 12)))
    with pytest.raises(DomainError, match="始まってから"):
        services.booking_act(actor=center_staff, booking=booking, action="no_show")
    time_machine.move_to(at(dt.date(2026, 5, 12), dt.time(13, 30)), tick=False)
    services.booking_act(actor=center_staff, booking=booking, action="no_show")
    assert booking.status == "no_show"
