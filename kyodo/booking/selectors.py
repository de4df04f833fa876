"""Reads that feed the booking pages: calendars, availability, lists and statistics.

Each builds its page from a fixed number of queries (rooms with their facility, the
bookings, closures and lotteries of the period), whatever the number of rows shown.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kyodo.booking import rules
from kyodo.booking.models import (
    ACTIVE_STATUSES,
    Booking,
    Closure,
    FreedSlot,
    LotteryEntry,
    LotteryRound,
    Room,
)
from kyodo.booking.workflow import NO_SHOW
from kyodo.registry.models import CivicGroup

FREE, TAKEN, CLOSED, LOTTERY, PAST = "free", "taken", "closed", "lottery", "past"
# Every mark a calendar uses, with the words that explain it (shown beside the mark, and
# in the legend: never a bare ○×△).
LEGEND: dict[str, tuple[str, str | Promise]] = {
    FREE: ("○", _("空き（予約できます）")),
    TAKEN: ("×", _("予約あり")),
    LOTTERY: ("△", _("抽選の対象（抽選に申し込めます）")),
    CLOSED: ("－", _("休館・利用できません")),
    PAST: ("－", _("過ぎた時間")),
}
WORDS: dict[str, str | Promise] = {
    FREE: _("空き"),
    TAKEN: _("予約あり"),
    LOTTERY: _("抽選"),
    CLOSED: _("休館"),
    PAST: _("終了"),
}


@dataclass
class Cell:
    slot: rules.Slot
    state: str
    note: str | Promise = ""
    booking: Booking | None = None
    # 「午後 13:00〜17:00：○ 空き」, made once per cell by calendar() (template filters per
    # cell were the month calendar's whole cost).
    text: str = ""
    # Filled by the room page for free cells: where to book, and the link's words.
    href: str = ""
    link_text: str = ""

    @property
    def mark(self) -> str:
        return LEGEND[self.state][0]

    @property
    def words(self) -> str | Promise:
        return WORDS[self.state]


@dataclass
class Day:
    day: dt.date
    cells: list[Cell] = field(default_factory=list)
    closed: str | Promise | None = None

    @property
    def weekday(self) -> str | Promise:
        return rules.WEEKDAYS[self.day.weekday()]

    @property
    def heading(self) -> str:
        return f"{self.day.month}/{self.day.day}（{self.weekday}）"

    @property
    def summary(self) -> str:
        """The availability search's cell: closed, the number of free slots, or none."""
        if self.closed:
            return str(_("休館"))
        if self.free_count:
            return str(_("空き %(n)s") % {"n": self.free_count})
        return str(_("空きなし"))

    @property
    def free_count(self) -> int:
        return sum(1 for c in self.cells if c.state == FREE)


def rooms() -> QuerySet[Room]:
    return Room.objects.filter(is_active=True).select_related("facility")


def _bookings_by_room(
    room_ids: list[int], start: dt.datetime, end: dt.datetime
) -> dict[int, list[Booking]]:
    found: dict[int, list[Booking]] = defaultdict(list)
    for booking in (
        Booking.objects.filter(
            room_id__in=room_ids, status__in=ACTIVE_STATUSES, starts_at__lt=end, ends_at__gt=start
        )
        .select_related("group")
        .only("room_id", "starts_at", "ends_at", "status", "group__name", "holder_name", "group_id")
    ):
        found[booking.room_id].append(booking)
    return found


def _closures(facility_ids: set[int], first: dt.date, last: dt.date) -> list[Closure]:
    return list(
        Closure.objects.filter(
            facility_id__in=facility_ids, starts_on__lte=last, ends_on__gte=first
        )
    )


def _lotteries(
    room_ids: list[int], first: dt.date, last: dt.date, now: dt.datetime
) -> dict[int, list[LotteryRound]]:
    found: dict[int, list[LotteryRound]] = defaultdict(list)
    through = LotteryRound.rooms.through
    for link in through.objects.filter(
        room_id__in=room_ids,
        lotteryround__first_day__lte=last,
        lotteryround__last_day__gte=first,
        lotteryround__confirm_by__gt=now,
    ).select_related("lotteryround"):
        found[link.room_id].append(link.lotteryround)
    return found


def calendar(
    room_list: list[Room], first: dt.date, days: int, *, now: dt.datetime | None = None
) -> dict[int, list[Day]]:
    """Each room's days from `first`: every slot marked free, taken, lottery, closed or past."""
    now = now or timezone.now()
    last = first + dt.timedelta(days=days - 1)
    ids = [r.pk for r in room_list]
    start = rules.at(first, dt.time(0, 0))
    end = rules.at(last + dt.timedelta(days=1), dt.time(0, 0))
    bookings = _bookings_by_room(ids, start, end)
    closures = _closures({r.facility_id for r in room_list}, first, last)
    lotteries = _lotteries(ids, first, last, now)
    # Each state's mark and words, translated once for the whole page.
    said = {state: f"{LEGEND[state][0]} {WORDS[state]}" for state in LEGEND}
    out: dict[int, list[Day]] = {}
    for room in room_list:
        mine = bookings.get(room.pk, [])
        out[room.pk] = []
        for n in range(days):
            day = first + dt.timedelta(days=n)
            closed = rules.closed_reason(room.facility, room, day, closures)
            row = Day(day, closed=closed)
            lottery = any(
                lot.first_day <= day <= lot.last_day for lot in lotteries.get(room.pk, [])
            )
            for slot in rules.slots_of(room, day):
                hit = next(
                    (b for b in mine if b.starts_at < slot.ends_at and slot.starts_at < b.ends_at),
                    None,
                )
                if closed:
                    cell = Cell(slot, CLOSED, closed)
                elif hit is not None:
                    cell = Cell(slot, TAKEN, booking=hit)
                elif slot.ends_at <= now:
                    cell = Cell(slot, PAST)
                elif lottery:
                    cell = Cell(slot, LOTTERY)
                else:
                    cell = Cell(slot, FREE)
                start, end = rules.local(slot.starts_at), rules.local(slot.ends_at)
                cell.text = f"{slot.label} {start:%H:%M}〜{end:%H:%M}：{said[cell.state]}"
                row.cells.append(cell)
            out[room.pk].append(row)
    return out


def group_bookings(group: CivicGroup, *, upcoming_only: bool = True) -> QuerySet[Booking]:
    found = Booking.objects.filter(group=group).select_related("room__facility")
    if upcoming_only:
        found = found.filter(ends_at__gt=timezone.now())
    return found.order_by("starts_at")


def person_bookings(user: Any) -> QuerySet[Booking]:
    """Bookings of the groups a person belongs to, and those they made without a group."""
    return (
        Booking.objects.filter(
            Q(group__memberships__user=user) | Q(group__isnull=True, booked_by=user),
            ends_at__gt=timezone.now(),
        )
        .select_related("room__facility", "group")
        .distinct()
        .order_by("starts_at")
    )


def awaiting_approval() -> QuerySet[Booking]:
    return (
        Booking.objects.filter(status="requested", ends_at__gt=timezone.now())
        .select_related("room__facility", "group")
        .order_by("starts_at")
    )


def day_sheet(day: dt.date) -> QuerySet[Booking]:
    """The window's list for a day: every booking of every room."""
    return (
        Booking.objects.filter(
            starts_at__gte=rules.at(day, dt.time(0, 0)),
            starts_at__lt=rules.at(day + dt.timedelta(days=1), dt.time(0, 0)),
        )
        .select_related("room__facility", "group")
        .order_by("room__facility_id", "room_id", "starts_at")
    )


def freed_slots(*, now: dt.datetime | None = None) -> QuerySet[FreedSlot]:
    """Freed times still in the future and not taken again."""
    now = now or timezone.now()
    retaken = Booking.objects.filter(
        room=OuterRef("room"),
        status__in=ACTIVE_STATUSES,
        starts_at__lt=OuterRef("ends_at"),
        ends_at__gt=OuterRef("starts_at"),
    )
    return (
        FreedSlot.objects.filter(starts_at__gt=now)
        .exclude(Exists(retaken))
        .select_related("room__facility")
        .order_by("starts_at")
    )


def open_lotteries(*, now: dt.datetime | None = None) -> QuerySet[LotteryRound]:
    now = now or timezone.now()
    return LotteryRound.objects.filter(confirm_by__gt=now - dt.timedelta(days=30)).prefetch_related(
        "rooms__facility"
    )


def entries_of(user: Any) -> QuerySet[LotteryEntry]:
    return (
        LotteryEntry.objects.filter(group__memberships__user=user)
        .select_related("round", "room__facility", "group", "booking")
        .order_by("starts_at")
    )


@dataclass(frozen=True)
class Occupancy:
    room: Room
    slots: int
    booked: int
    no_shows: int

    @property
    def percent(self) -> int:
        return round(100 * self.booked / self.slots) if self.slots else 0


def occupancy(month: dt.date) -> list[Occupancy]:
    """Per room: bookable slots in the month (closed days left out), slots booked, no-shows."""
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    days = (following - first).days
    room_list = list(rooms())
    cal = calendar(room_list, first, days, now=rules.at(first, dt.time(0, 0)))
    no_shows = dict(
        Booking.objects.filter(
            status=NO_SHOW,
            starts_at__gte=rules.at(first, dt.time(0, 0)),
            starts_at__lt=rules.at(following, dt.time(0, 0)),
        )
        .values_list("room_id")
        .annotate(n=Count("pk"))
    )
    out = []
    for room in room_list:
        open_cells = [c for d in cal[room.pk] for c in d.cells if c.state != CLOSED]
        booked = sum(1 for c in open_cells if c.state == TAKEN)
        out.append(Occupancy(room, len(open_cells), booked, no_shows.get(room.pk, 0)))
    return out


def bookings_per_group(month: dt.date) -> list[dict[str, Any]]:
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    rows: Any = (
        # A staff correction (voided) is the center's mistake, not the group's booking.
        Booking.objects.filter(
            group__isnull=False,
            starts_at__gte=rules.at(first, dt.time(0, 0)),
            starts_at__lt=rules.at(following, dt.time(0, 0)),
        )
        .exclude(status="voided")
        .values("group__name")
        .annotate(
            total=Count("pk", filter=Q(status__in=[*ACTIVE_STATUSES, NO_SHOW])),
            cancelled=Count("pk", filter=Q(status="cancelled")),
            no_shows=Count("pk", filter=Q(status=NO_SHOW)),
        )
        .order_by("-total", "group__name")
    )
    return [dict(row) for row in rows]
