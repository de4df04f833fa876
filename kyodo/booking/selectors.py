"""Reads that feed the booking pages: calendars, availability, lists and statistics.

Each builds its page from a fixed number of queries (rooms with their facility, the
bookings, closures and lotteries of the period), whatever the number of rows shown.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kyodo.booking import rules
from kyodo.booking.models import (
    ACTIVE_STATUSES,
    Booking,
    Closure,
    Facility,
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
    # 「午後 13:00〜17:00：○ 空き」, made once per cell by calendar() from words worked out once
    # per page (template filters, gettext and date formatting per cell were the pages' cost).
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
    free_count: int = 0
    taken_count: int = 0
    slot_count: int = 0
    # The availability search's cell (休館, 空き 3, 空きなし), filled by calendar().
    summary: str = ""

    @property
    def weekday(self) -> str | Promise:
        return rules.WEEKDAYS[self.day.weekday()]

    @property
    def heading(self) -> str:
        return f"{self.day.month}/{self.day.day}（{self.weekday}）"


FACILITY_CHOICES_KEY = "booking:facility-choices"
FACILITY_CHOICES_TTL_SECONDS = 60


def facility_choices() -> list[tuple[int, str]]:
    """Every facility as (pk, name), for the availability search's filter: cached, since a
    city at scale has hundreds and every search shows them. A facility's save or delete
    empties the cache (kyodo/booking/apps.py); the TTL bounds staleness where processes do
    not share a cache."""
    found = cache.get(FACILITY_CHOICES_KEY)
    if found is None:
        found = list(Facility.objects.order_by("pk").values_list("pk", "name"))
        cache.set(FACILITY_CHOICES_KEY, found, FACILITY_CHOICES_TTL_SECONDS)
    return list(found)


def facilities_changed(**kwargs: Any) -> None:
    """Forget the cached facility list now and again when the write commits (a search in
    between could have cached the old list)."""
    cache.delete(FACILITY_CHOICES_KEY)
    transaction.on_commit(lambda: cache.delete(FACILITY_CHOICES_KEY))


def rooms() -> QuerySet[Room]:
    return Room.objects.filter(is_active=True).select_related("facility")


# No booking crosses midnight (rules.fits_mode refuses it), so one that overlaps a period
# starts at most a day before it: the lower bound lets the (room, starts_at) index read only
# the period instead of the room's whole history.
LONGEST_BOOKING = dt.timedelta(days=1)


def _taken_by_room_and_day(
    room_ids: list[int],
    start: dt.datetime,
    end: dt.datetime,
    statuses: Iterable[str] = ACTIVE_STATUSES,
) -> dict[int, dict[dt.date, list[tuple[dt.datetime, dt.datetime]]]]:
    """Each room's active bookings (or those in `statuses`) of the period as (start, end),
    by local day: the public calendars say a time is taken, never by whom, so no booking
    objects are built."""
    found: dict[int, dict[dt.date, list[tuple[dt.datetime, dt.datetime]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    rows = (
        Booking.objects.filter(
            room_id__in=room_ids,
            status__in=list(statuses),
            starts_at__gte=start - LONGEST_BOOKING,
            starts_at__lt=end,
            ends_at__gt=start,
        )
        .order_by()
        .values_list("room_id", "starts_at", "ends_at")
    )
    for room_id, starts_at, ends_at in rows:
        day, last = rules.local(starts_at).date(), rules.local(ends_at).date()
        while day <= last:
            found[room_id][day].append((starts_at, ends_at))
            day += dt.timedelta(days=1)
    return found


def _closures_and_lotteries(
    room_list: list[Room], first: dt.date, last: dt.date, now: dt.datetime
) -> tuple[list[Closure], dict[int, list[tuple[dt.date, dt.date]]]]:
    """The period's closures of the rooms' facilities, and each room's lottery periods still
    before their confirmation deadline: one query (UNION ALL), since a round trip to a busy
    database costs more than the rows (both are usually empty)."""
    ids = [r.pk for r in room_list]
    closures = (
        Closure.objects.filter(
            facility_id__in={r.facility_id for r in room_list},
            starts_on__lte=last,
            ends_on__gte=first,
        )
        .order_by()
        .values_list(
            Value(1, IntegerField()),
            F("facility_id"),
            F("room_id"),
            F("starts_on"),
            F("ends_on"),
            F("reason"),
        )
    )
    lotteries = (
        LotteryRound.rooms.through.objects.filter(
            room_id__in=ids,
            lotteryround__first_day__lte=last,
            lotteryround__last_day__gte=first,
            lotteryround__confirm_by__gt=now,
        )
        .order_by()
        .values_list(
            Value(2, IntegerField()),
            Value(None, IntegerField()),
            F("room_id"),
            F("lotteryround__first_day"),
            F("lotteryround__last_day"),
            F("lotteryround__title"),
        )
    )
    found_closures: list[Closure] = []
    found_lotteries: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for kind, facility_id, room_id, starts, ends, words in closures.union(lotteries, all=True):
        if kind == 1:
            found_closures.append(
                Closure(
                    facility_id=facility_id,
                    room_id=room_id,
                    starts_on=starts,
                    ends_on=ends,
                    reason=words,
                )
            )
        else:
            found_lotteries[room_id].append((starts, ends))
    return found_closures, found_lotteries


def calendar(
    room_list: list[Room],
    first: dt.date,
    days: int,
    *,
    now: dt.datetime | None = None,
    cells: bool = True,
) -> dict[int, list[Day]]:
    """Each room's days from `first`: every slot marked free, taken, lottery, closed or past.
    With cells=False only each day's summary and count of free slots are made (the
    availability search shows no more).

    Built in one pass from dictionaries made up front (bookings by room and day, closed days
    by facility, the slots of a day by booking mode and opening hours, their words), so a
    cell costs a few comparisons and one string join, whatever the number of rooms, days and
    bookings."""
    now = now or timezone.now()
    last = first + dt.timedelta(days=days - 1)
    ids = [r.pk for r in room_list]
    start = rules.at(first, dt.time(0, 0))
    end = rules.at(last + dt.timedelta(days=1), dt.time(0, 0))
    taken = _taken_by_room_and_day(ids, start, end)
    closures, lotteries = _closures_and_lotteries(room_list, first, last, now)
    dates = [first + dt.timedelta(days=n) for n in range(days)]
    # Words translated once for the whole page.
    said = {state: f"{LEGEND[state][0]} {WORDS[state]}" for state in LEGEND}
    closed_word, none_word = str(_("休館")), str(_("空きなし"))
    some_free = str(_("空き %(n)s"))
    # Closed days are the same for every room of a facility unless a closure names a room.
    per_room = {c.facility_id for c in closures if c.room_id is not None}
    closed_by: dict[tuple[int, int | None, dt.date], str | Promise | None] = {}
    # A day's slots with their words ("午後 13:00〜17:00："), by booking mode and opening
    # hours (what rules.day_pattern depends on) and day; slots are immutable, so rooms of the
    # same shape share them.
    units_by: dict[tuple[Any, ...], list[tuple[str, str, dt.time, dt.time, str]]] = {}
    slots_by: dict[tuple[Any, ...], list[tuple[rules.Slot, str]]] = {}
    out: dict[int, list[Day]] = {}
    for room in room_list:
        facility = room.facility
        shape = (room.mode, facility.opens_at, facility.closes_at)
        units = units_by.get(shape)
        if units is None:
            units = units_by[shape] = [
                (str(label), key, s, e, f"{label} {s:%H:%M}〜{e:%H:%M}：")
                for label, key, s, e in rules.day_pattern(room)
            ]
        mine = taken.get(room.pk, {})
        lots = lotteries.get(room.pk, ())
        rows: list[Day] = []
        for day in dates:
            key = (facility.pk, room.pk if facility.pk in per_room else None, day)
            if key in closed_by:
                closed = closed_by[key]
            else:
                closed = closed_by[key] = rules.closed_reason(facility, room, day, closures)
            slots = slots_by.get((shape, day))
            if slots is None:
                slots = slots_by[(shape, day)] = [
                    (rules.Slot(rules.at(day, s), rules.at(day, e), label, block), prefix)
                    for label, block, s, e, prefix in units
                ]
            row = Day(day, closed=closed, slot_count=len(slots))
            rows.append(row)
            if closed:
                row.summary = closed_word
                if cells:
                    row.cells = [
                        Cell(slot, CLOSED, closed, prefix + said[CLOSED]) for slot, prefix in slots
                    ]
                continue
            lottery = any(a <= day <= b for a, b in lots)
            booked = mine.get(day, ())
            free = taken_count = 0
            for slot, prefix in slots:
                if booked and any(b < slot.ends_at and slot.starts_at < f for b, f in booked):
                    state = TAKEN
                    taken_count += 1
                elif slot.starts_at <= now:  # as booking refuses a time already begun
                    state = PAST
                elif lottery:
                    state = LOTTERY
                else:
                    state = FREE
                    free += 1
                if cells:
                    row.cells.append(Cell(slot, state, text=prefix + said[state]))
            row.free_count, row.taken_count = free, taken_count
            row.summary = some_free % {"n": free} if free else none_word
        out[room.pk] = rows
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


def upcoming(*, days: int = 30, limit: int = 60) -> list[Booking]:
    """The window's look ahead: the next active bookings of every room, soonest first."""
    now = timezone.now()
    return list(
        Booking.objects.filter(
            starts_at__gte=now,
            starts_at__lt=now + dt.timedelta(days=days),
            status__in=ACTIVE_STATUSES,
        )
        .select_related("room__facility", "group")
        .order_by("starts_at", "pk")[:limit]
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
    slots: int  # bookable in the month: the slots of its open days
    booked: int  # slots booked: active bookings and the no-shows (held, but not used)
    no_shows: int  # of those, the slots of no-shows

    @property
    def used(self) -> int:
        return self.booked - self.no_shows

    @property
    def percent(self) -> int:
        """利用率: the slots used (booked, no-shows left out) of those bookable."""
        return round(100 * self.used / self.slots) if self.slots else 0


def occupancy(month: dt.date) -> list[Occupancy]:
    """Per room: bookable slots in the month (closed days left out), slots booked (no-shows
    included: the time was held), and of those the no-shows' (staff record them)."""
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    days = (following - first).days
    room_list = list(rooms())
    cal = calendar(room_list, first, days, now=rules.at(first, dt.time(0, 0)), cells=False)
    start, end = rules.at(first, dt.time(0, 0)), rules.at(following, dt.time(0, 0))
    missed = _taken_by_room_and_day([r.pk for r in room_list], start, end, statuses=[NO_SHOW])
    out = []
    for room in room_list:
        open_days = [d for d in cal[room.pk] if not d.closed]
        slots = sum(d.slot_count for d in open_days)
        active = sum(d.taken_count for d in open_days)
        open_on = {d.day for d in open_days}
        no_shows = sum(
            1
            for day, spans in missed.get(room.pk, {}).items()
            if day in open_on
            for slot in rules.slots_of(room, day)
            if any(b < slot.ends_at and slot.starts_at < f for b, f in spans)
        )
        out.append(Occupancy(room, slots, active + no_shows, no_shows))
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
