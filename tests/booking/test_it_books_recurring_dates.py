"""A recurring booking is one row per date, each checked like a single booking; the dates
that cannot be booked are listed, and skipped only when the person asks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kyodo.booking import services
from kyodo.booking.models import Booking, Closure, Series
from tests.booking.conftest import block, make_room, request

SECOND_TUESDAY = dt.date(2026, 5, 12)


def test_it_finds_the_second_tuesday_of_each_month() -> None:
    dates = services.series_dates(Series.Pattern.MONTHLY_NTH, SECOND_TUESDAY, 4)
    assert dates == [
        dt.date(2026, 5, 12),
        dt.date(2026, 6, 9),
        dt.date(2026, 7, 14),
        dt.date(2026, 8, 11),
    ]
    assert all(d.weekday() == 1 and 8 <= d.day <= 14 for d in dates)


def test_it_leaves_out_months_without_a_fifth_weekday() -> None:
    dates = services.series_dates(
        Series.Pattern.MONTHLY_NTH, dt.date(2026, 6, 30), 3
    )  # 5th Tuesday
    assert dates == [dt.date(2026, 6, 30), dt.date(2026, 9, 29), dt.date(2026, 12, 29)]


def test_it_lists_the_conflicting_dates_and_books_nothing_unless_asked_to_skip(
    clock: Any, representative_a: Any, group_a: Any, representative_b: Any, group_b: Any
) -> None:
    room = make_room(advance_days=120)
    services.booking_create(
        actor=representative_b,
        request=request(room, group_b, block(dt.date(2026, 6, 9), "evening")),
    )
    Closure.objects.create(
        facility=room.facility,
        starts_on=dt.date(2026, 7, 14),
        ends_on=dt.date(2026, 7, 14),
        reason="点検",
    )
    wanted = request(room, group_a, block(SECOND_TUESDAY, "evening"))
    with pytest.raises(services.SeriesConflicts) as refused:
        services.booking_series_create(
            actor=representative_a,
            request=wanted,
            pattern="monthly_nth",
            count=4,
            skip_conflicts=False,
        )
    assert [s.day for s in refused.value.skipped] == [dt.date(2026, 6, 9), dt.date(2026, 7, 14)]
    assert "すでに予約" in refused.value.skipped[0].reason
    assert "点検" in refused.value.skipped[1].reason
    assert not Booking.objects.filter(group=group_a).exists()

    made, skipped = services.booking_series_create(
        actor=representative_a, request=wanted, pattern="monthly_nth", count=4, skip_conflicts=True
    )
    assert [b.starts_at.date() for b in made] == [dt.date(2026, 5, 12), dt.date(2026, 8, 11)]
    assert len(skipped) == 2
    assert Booking.objects.filter(group=group_a, series__isnull=False).count() == 2
