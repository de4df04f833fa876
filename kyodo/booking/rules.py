"""The rules of a room, as plain functions: when it is open, which times fit its booking
mode, what a booking costs, and the deadlines. Services and selectors share them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kyodo.booking.models import BookingMode, Closure, Facility, Room
from kyodo.japan.calendar import holiday_name


@dataclass(frozen=True)
class Block:
    key: str
    label: str | Promise
    start: dt.time
    end: dt.time


# The three fixed blocks of a day (区分), as Japanese public halls use them.
BLOCKS = (
    Block("morning", _("午前"), dt.time(9, 0), dt.time(12, 0)),
    Block("afternoon", _("午後"), dt.time(13, 0), dt.time(17, 0)),
    Block("evening", _("夜間"), dt.time(18, 0), dt.time(21, 30)),
)
FREE_STEP_MINUTES = 15
WEEKDAYS = (_("月"), _("火"), _("水"), _("木"), _("金"), _("土"), _("日"))


# The city's time zone. Calendars build thousands of datetimes per page: attaching the
# zone directly is far cheaper than timezone.make_aware's per-call lookup of the active zone.
TOKYO = ZoneInfo(settings.TIME_ZONE)


def at(day: dt.date, time: dt.time) -> dt.datetime:
    """A local wall-clock time of a day, as an aware datetime."""
    return dt.datetime.combine(day, time, tzinfo=TOKYO)


def local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(TOKYO)


@dataclass(frozen=True)
class Slot:
    starts_at: dt.datetime
    ends_at: dt.datetime
    label: str | Promise
    block: str = ""  # the fixed block's key (morning, afternoon, evening) in block mode


def day_pattern(room: Room) -> tuple[tuple[str | Promise, str, dt.time, dt.time], ...]:
    """The bookable units of any day of a room, as (label, block key, start, end) wall-clock
    times: the same every day (Japan has no daylight saving), so calendars work them out
    once per room instead of once per day."""
    facility = room.facility
    if room.mode == BookingMode.BLOCKS:
        return tuple(
            (b.label, b.key, b.start, b.end)
            for b in BLOCKS
            if b.start >= facility.opens_at and b.end <= facility.closes_at
        )
    units = []
    hour = facility.opens_at.hour + (1 if facility.opens_at.minute else 0)
    while dt.time(hour, 0) < facility.closes_at and hour < 24:
        end = dt.time(hour + 1, 0) if hour + 1 < 24 else dt.time(23, 59)
        if end > facility.closes_at:
            break
        units.append((f"{hour}:00", "", dt.time(hour, 0), end))
        hour += 1
    return tuple(units)


def slots_of(room: Room, day: dt.date) -> list[Slot]:
    """The bookable units of a day as calendars show them (free-time rooms by the hour)."""
    return [
        Slot(at(day, start), at(day, end), str(label), key)
        for label, key, start, end in day_pattern(room)
    ]


def closed_reason(
    facility: Facility, room: Room | None, day: dt.date, closures: list[Closure] | None = None
) -> str | Promise | None:
    """Why the room is closed that day, in words; None when it is open."""
    if day.isoweekday() in (facility.closed_weekdays or []):
        return _("定休日（%(weekday)s曜日）") % {"weekday": WEEKDAYS[day.weekday()]}
    if facility.closed_on_holidays:
        name = holiday_name(day)
        if name:
            return _("祝日（%(name)s）のため休館") % {"name": name}
    if closures is None:
        closures = list(facility.closures.filter(starts_on__lte=day, ends_on__gte=day))
    for closure in closures:
        if closure.facility_id != facility.pk or not closure.starts_on <= day <= closure.ends_on:
            continue
        if closure.room_id is None or (room is not None and closure.room_id == room.pk):
            return _("臨時休館（%(reason)s）") % {"reason": closure.reason}
    return None


def fits_mode(room: Room, starts_at: dt.datetime, ends_at: dt.datetime) -> str | Promise | None:
    """Why these times do not fit the room's opening hours and booking mode; None if they do."""
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    if end <= start:
        return _("終了時刻は開始時刻より後にしてください。")
    if start.date() != end.date():
        return _("日をまたぐ予約はできません。")
    facility = room.facility
    if start.time() < facility.opens_at or end.time() > facility.closes_at:
        return _("開館時間（%(opens)s〜%(closes)s）の中で選んでください。") % {
            "opens": facility.opens_at.strftime("%H:%M"),
            "closes": facility.closes_at.strftime("%H:%M"),
        }
    if room.mode == BookingMode.BLOCKS:
        if not any(
            s.starts_at == starts_at and s.ends_at == ends_at for s in slots_of(room, start.date())
        ):
            return _("この部屋は午前・午後・夜間の区分で予約します。区分を選んでください。")
        return None
    minutes = int((end - start).total_seconds() // 60)
    if room.mode == BookingMode.HOURLY:
        if start.minute or end.minute or start.second or end.second:
            return _("この部屋は1時間ごとのコマで予約します。開始と終了は「00分」にしてください。")
        return None
    if start.minute % FREE_STEP_MINUTES or end.minute % FREE_STEP_MINUTES:
        return _("開始と終了は15分単位で選んでください。")
    if minutes < room.min_minutes:
        return _("この部屋の最短利用時間は%(minutes)s分です。") % {"minutes": room.min_minutes}
    if minutes > room.max_minutes:
        return _("この部屋の最長利用時間は%(minutes)s分です。") % {"minutes": room.max_minutes}
    return None


def fee_for(room: Room, starts_at: dt.datetime, ends_at: dt.datetime, registered: bool) -> int:
    """使用料 in yen, after the registered groups' exemption (減免)."""
    if room.payment == "free" or not room.fee_per_hour:
        return 0
    minutes = int((ends_at - starts_at).total_seconds() // 60)
    full = room.fee_per_hour * minutes // 60
    if registered:
        full = full * (100 - min(room.registered_discount, 100)) // 100
    return full


def cancel_deadline(booking: Any) -> dt.datetime:
    """Groups cancel online until the end of the day N days before the day of use."""
    day = timezone.localtime(booking.starts_at).date()
    last_day = day - dt.timedelta(days=booking.room.cancel_days)
    return at(last_day + dt.timedelta(days=1), dt.time(0, 0))


def cancel_deadline_passed(booking: Any, now: dt.datetime) -> bool:
    return now >= cancel_deadline(booking)


# A draw at most this late keeps the announced deadline (staff drawing the next morning, a
# tick a few minutes after the entries closed); a later one moves it.
LATE_DRAW_GRACE = dt.timedelta(days=1)


def confirm_by_after_draw(lottery: Any, drawn_at: dt.datetime) -> dt.datetime:
    """当選確定の期限 once the round is drawn at `drawn_at`. A draw more than a day after the
    entries closed (the timed step was down, or staff drew late) moves the deadline on by
    as long as it was late, so winners keep the time to confirm that the round announced;
    but not past the start of the period's first day, unless the draw itself came after
    that (then by the whole delay: the period's later days can still be confirmed)."""
    late = drawn_at - lottery.entries_close_at
    if late <= LATE_DRAW_GRACE:
        return lottery.confirm_by
    moved = lottery.confirm_by + late
    period_starts = at(lottery.first_day, dt.time(0))
    if drawn_at < period_starts:
        moved = min(moved, period_starts)
    return max(moved, lottery.confirm_by)


def last_bookable_day(room: Room, today: dt.date) -> dt.date:
    return today + dt.timedelta(days=room.advance_days)
