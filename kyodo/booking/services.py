"""Every write of the booking app: rooms and their rules, bookings (one, or a series, by a
group on the web or by staff at the window), changes, the lottery cycle and freed slots.

No double booking, ever: `_insert` runs inside one transaction that first takes the room's
lock — SELECT … FOR UPDATE of the room row on PostgreSQL, the database write lock on SQLite
(whose transactions begin IMMEDIATE here) — then checks for an overlapping active booking and
inserts. On PostgreSQL the exclusion constraint `booking_no_overlap` is the last word even for
a write that bypassed this path. Lent equipment is shared by the rooms of a facility: inside
the same transaction the lent items' rows are locked too (FOR UPDATE on PostgreSQL), and the
active bookings lending each item at an overlapping time must number fewer than its quantity.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kyodo.accounts.models import User
from kyodo.audit.services import audit_record
from kyodo.booking import rules
from kyodo.booking.models import (
    ACTIVE_STATUSES,
    Booking,
    Channel,
    Closure,
    Equipment,
    Facility,
    FreedSlot,
    GroupFeed,
    LotteryEntry,
    LotteryRound,
    Room,
    Series,
    Watch,
    WhoMayBook,
)
from kyodo.booking.permissions import is_booking_staff
from kyodo.booking.workflow import ENTRY_WORKFLOW, WORKFLOW
from kyodo.core.errors import DomainError
from kyodo.core.events import audience, mail_subject, notify
from kyodo.core.numbering import next_number
from kyodo.core.permissions import authorize, check
from kyodo.japan.calendar import fiscal_year
from kyodo.registry.models import CivicGroup

TAKEN = gettext_noop(
    "この時間はすでに予約が入っています（ほかの人が先に予約しました）。別の時間を選んでください。"
)
NOT_LENT_HERE = gettext_noop("この施設で貸し出していない備品が選ばれています。")


# --- facilities and rooms (staff) ----------------------------------------------------------


@transaction.atomic
def facility_save(*, actor: User, facility: Facility, data: dict[str, Any]) -> Facility:
    authorize(actor, "booking.manage")
    created = facility.pk is None
    for name, value in data.items():
        setattr(facility, name, value)
    if created:
        facility.save()
    else:
        facility.save(update_fields=list(data))
    audit_record(
        actor=actor,
        action="booking.facility_create" if created else "booking.facility_update",
        target=facility,
        changes={k: str(v) for k, v in data.items()},
    )
    return facility


@transaction.atomic
def room_save(*, actor: User, room: Room, data: dict[str, Any]) -> Room:
    authorize(actor, "booking.manage")
    created = room.pk is None
    for name, value in data.items():
        setattr(room, name, value)
    if created:
        room.save()
    else:
        room.save(update_fields=list(data))
    audit_record(
        actor=actor,
        action="booking.room_create" if created else "booking.room_update",
        target=room,
        changes={k: str(v) for k, v in data.items()},
    )
    return room


@transaction.atomic
def closure_create(
    *,
    actor: User,
    facility: Facility,
    room: Room | None,
    starts_on: dt.date,
    ends_on: dt.date,
    reason: str,
) -> Closure:
    authorize(actor, "booking.manage")
    if ends_on < starts_on:
        raise DomainError(_("終了日は開始日以降にしてください。"), field="ends_on")
    closure = Closure.objects.create(
        facility=facility, room=room, starts_on=starts_on, ends_on=ends_on, reason=reason
    )
    audit_record(actor=actor, action="booking.closure_create", target=closure, summary=reason)
    return closure


@transaction.atomic
def equipment_create(
    *, actor: User, facility: Facility, name: str, quantity: int, fee: int
) -> Equipment:
    authorize(actor, "booking.manage")
    item = Equipment.objects.create(facility=facility, name=name, quantity=quantity, fee=fee)
    audit_record(actor=actor, action="booking.equipment_create", target=item, summary=name)
    return item


# --- the rules of one booking --------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """What a person asks for: a room, a time, for whom and why."""

    room: Room
    starts_at: dt.datetime
    ends_at: dt.datetime
    group: CivicGroup | None
    purpose: str
    attendees: int
    channel: str = Channel.WEB
    holder_name: str = ""
    holder_phone: str = ""


def _refuse(message: str | Promise, field: str | None = None) -> DomainError:
    return DomainError(message, field=field)


def check_who(actor: User, request: Request) -> None:
    """May this person book this room for this group (or for this person at the window)?"""
    room, staff = request.room, is_booking_staff(actor)
    if not room.is_active:
        raise _refuse(_("この部屋は現在、予約を受け付けていません。"))
    if staff:
        if request.group is None and not request.holder_name:
            raise _refuse(_("団体を選ぶか、利用者名を入力してください。"), "holder_name")
        if room.who_may_book == WhoMayBook.REGISTERED and request.group is None:
            raise _refuse(
                _("この部屋は登録団体だけが予約できます。団体を選んでください。"), "group"
            )
        return
    if request.channel != Channel.WEB:
        raise _refuse(_("窓口・電話の受付は職員が行います。"), "channel")
    if room.who_may_book == WhoMayBook.STAFF:
        raise _refuse(_("この部屋は窓口または電話で予約してください（ウェブ予約の対象外です）。"))
    if request.group is not None:
        decision = check("registry.act_for_group", actor, request.group)
        if not decision:
            raise _refuse(decision.reason, "group")
    elif room.who_may_book == WhoMayBook.REGISTERED:
        raise _refuse(_("この部屋は登録団体だけが予約できます。団体を選んでください。"), "group")


def check_time(request: Request, *, now: dt.datetime, ignore_lottery: bool = False) -> None:
    """Opening hours, booking mode, closures, holidays, the advance window, lotteries."""
    room = request.room
    problem = rules.fits_mode(room, request.starts_at, request.ends_at)
    if problem:
        raise _refuse(problem, "start_time")
    day = timezone.localtime(request.starts_at).date()
    closed = rules.closed_reason(room.facility, room, day)
    if closed:
        raise _refuse(_("この日は予約できません：%(reason)s") % {"reason": closed}, "day")
    if request.starts_at <= now:
        raise _refuse(_("過ぎた時間は予約できません。"), "day")
    last = rules.last_bookable_day(room, timezone.localtime(now).date())
    if day > last:
        raise _refuse(
            _("この部屋は%(days)s日先（%(last)s）まで予約できます。")
            % {"days": room.advance_days, "last": last.strftime("%Y-%m-%d")},
            "day",
        )
    if request.attendees > room.capacity:
        raise _refuse(
            _("利用人数が定員（%(capacity)s人）を超えています。") % {"capacity": room.capacity},
            "attendees",
        )
    if not ignore_lottery:
        lottery = lottery_covering(room, day, now)
        if lottery is not None:
            raise _refuse(
                _(
                    "この日は抽選（%(title)s）の対象です。抽選に申し込むか、"
                    "%(date)s 以降の2次予約（先着順）をご利用ください。"
                )
                % {
                    "title": lottery.title,
                    "date": timezone.localtime(lottery.confirm_by).strftime("%Y-%m-%d %H:%M"),
                },
                "day",
            )


def lottery_covering(room: Room, day: dt.date, now: dt.datetime) -> LotteryRound | None:
    """The lottery that still holds this room and day (until its confirmation deadline)."""
    return (
        LotteryRound.objects.filter(
            rooms=room, first_day__lte=day, last_day__gte=day, confirm_by__gt=now
        )
        .order_by("confirm_by")
        .first()
    )


def check_limits(request: Request, *, now: dt.datetime, excluding: int | None = None) -> None:
    """How many bookings the group holds at once and in the month of this one."""
    group, room = request.group, request.room
    if group is None:
        return
    mine = Booking.objects.filter(
        group=group, room__facility=room.facility_id, status__in=ACTIVE_STATUSES
    )
    if excluding is not None:
        mine = mine.exclude(pk=excluding)
    if room.max_active and mine.filter(ends_at__gt=now).count() >= room.max_active:
        raise _refuse(
            _("この団体が同時に持てる予約は%(n)s件までです（すでに%(n)s件あります）。")
            % {"n": room.max_active}
        )
    if room.max_per_month:
        local = timezone.localtime(request.starts_at)
        month_start = rules.at(local.date().replace(day=1), dt.time(0, 0))
        next_month = (local.date().replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        in_month = mine.filter(
            starts_at__gte=month_start, starts_at__lt=rules.at(next_month, dt.time(0, 0))
        ).count()
        if in_month >= room.max_per_month:
            raise _refuse(
                _("この団体がこの月に予約できるのは%(n)s件までです。") % {"n": room.max_per_month},
                "day",
            )


def _lock_room(room: Room) -> None:
    # PostgreSQL: one writer per room at a time, so the overlap check below sees every
    # committed booking. SQLite: a no-op; the IMMEDIATE transaction already holds the lock.
    list(Room.objects.select_for_update().filter(pk=room.pk).values_list("pk", flat=True))


def _lock_equipment(room: Room, items: Sequence[Equipment]) -> list[Equipment]:
    """Lock the lent items' rows (in pk order, after the room: one order for every writer, so
    two writers never wait on each other crosswise) and return them fresh. On PostgreSQL a
    writer lending the same projector for another room of the facility waits here until the
    first commits, and then counts that booking too; on SQLite the write lock is already held.
    """
    if not items:
        return []
    wanted = sorted({item.pk for item in items})
    locked = list(
        Equipment.objects.select_for_update().filter(pk__in=wanted, facility_id=room.facility_id)
    )
    if len(locked) != len(wanted):
        raise _refuse(_(NOT_LENT_HERE), "equipment")
    return locked


def _check_stock(
    items: Sequence[Equipment],
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    excluding: int | None,
) -> None:
    """Every lent item still has a unit free for the whole time. Call with the items locked
    (_lock_equipment)."""
    lent = _all_lent(items, starts_at, ends_at, excluding)
    if lent:
        raise _refuse(
            _(
                "備品「%(name)s」はこの時間、すべて貸出中です（%(n)s台）。"
                "備品を外すか、別の時間を選んでください。"
            )
            % {"name": lent[0].name, "n": lent[0].quantity},
            "equipment",
        )


def _all_lent(
    items: Sequence[Equipment],
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    excluding: int | None = None,
) -> list[Equipment]:
    """The items with no unit free for the whole time: the active bookings that overlap it
    (in any room of the facility) already lend as many as the center has."""
    taken = []
    for item in items:
        lent = Booking.objects.filter(
            equipment=item,
            status__in=ACTIVE_STATUSES,
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
        )
        if excluding is not None:
            lent = lent.exclude(pk=excluding)
        if lent.count() >= item.quantity:
            taken.append(item)
    return taken


def _overlapping(room: Room, starts_at: dt.datetime, ends_at: dt.datetime, excluding: int | None):  # type: ignore[no-untyped-def]
    found = Booking.objects.filter(
        room=room, status__in=ACTIVE_STATUSES, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    return found.exclude(pk=excluding) if excluding is not None else found


def _insert(
    actor: User | None,
    request: Request,
    *,
    series: Series | None = None,
    equipment: Sequence[Equipment] = (),
    lend_what_is_free: bool = False,
) -> Booking:
    """Lock, check again, insert: the one place a booking row is created. The room's lock
    guards its times; the lent items' locks guard their stock. An item with no unit free is
    refused, or, with `lend_what_is_free` (the lottery's winners), left off the booking."""
    room = request.room
    with transaction.atomic():
        _lock_room(room)
        if _overlapping(room, request.starts_at, request.ends_at, None).exists():
            raise _refuse(_(TAKEN), "start_time")
        items = _lock_equipment(room, equipment)
        if lend_what_is_free:
            busy = _all_lent(items, request.starts_at, request.ends_at)
            items = [item for item in items if item not in busy]
        else:
            _check_stock(items, request.starts_at, request.ends_at, None)
        registered = request.group is not None and request.group.is_registered()
        try:
            with transaction.atomic():
                booking = Booking.objects.create(
                    room=room,
                    group=request.group,
                    booked_by=actor,
                    holder_name=request.holder_name,
                    holder_phone=request.holder_phone,
                    starts_at=request.starts_at,
                    ends_at=request.ends_at,
                    channel=request.channel,
                    purpose=request.purpose,
                    attendees=request.attendees,
                    fee=rules.fee_for(room, request.starts_at, request.ends_at, registered)
                    + sum(item.fee for item in items),
                    series=series,
                )
        except IntegrityError as exc:  # the exclusion constraint: someone was faster
            raise _refuse(_(TAKEN), "start_time") from exc
        if items:
            booking.equipment.set(items)
    return booking


@transaction.atomic
def booking_create(
    *,
    actor: User,
    request: Request,
    equipment: Iterable[Equipment] = (),
    series: Series | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    """Book a room: a group on the web, or staff for a group or a person at the window."""
    now = now or timezone.now()
    check_who(actor, request)
    check_time(request, now=now)
    check_limits(request, now=now)
    booking = _insert(actor, request, series=series, equipment=list(equipment))
    audit_record(
        actor=actor,
        action="booking.create",
        target=booking,
        changes={"channel": request.channel, "group": str(request.group or ""), "fee": booking.fee},
    )
    if request.room.needs_approval and not is_booking_staff(actor):
        notify(
            to=[audience("center")],
            subject=mail_subject(
                gettext_noop("施設予約の承認依頼：%(room)s"), room=str(request.room)
            ),
            template="booking/email/approval_request.txt",
            context={"booking": booking, "path": reverse("booking:detail", args=[booking.pk])},
            obj=booking,
            name="booking.request",
        )
        return booking
    return WORKFLOW.transition(actor=actor, obj=booking, action="auto_confirm", by_service=True)


# --- recurring bookings ----------------------------------------------------------------------


def series_dates(pattern: str, first: dt.date, count: int) -> list[dt.date]:
    """The dates of a recurring booking: every week, every other week, or the n-th weekday
    of every month (第2火曜日); a month without a 5th such weekday is left out."""
    if pattern == Series.Pattern.WEEKLY:
        return [first + dt.timedelta(weeks=i) for i in range(count)]
    if pattern == Series.Pattern.BIWEEKLY:
        return [first + dt.timedelta(weeks=2 * i) for i in range(count)]
    nth = (first.day - 1) // 7
    dates: list[dt.date] = []
    year, month = first.year, first.month
    while len(dates) < count:
        day1 = dt.date(year, month, 1)
        offset = (first.weekday() - day1.weekday()) % 7
        candidate = day1 + dt.timedelta(days=offset + 7 * nth)
        if candidate.month == month:
            dates.append(candidate)
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return dates


@dataclass(frozen=True)
class Skipped:
    day: dt.date
    reason: str


class SeriesConflicts(DomainError):
    """Some dates of a recurring booking cannot be booked; the person may skip them."""

    def __init__(self, skipped: list[Skipped]):
        super().__init__(
            _("予約できない日が%(n)s日あります。一覧を確かめてください。") % {"n": len(skipped)},
            field="repeat",
        )
        self.skipped = skipped


@transaction.atomic
def booking_series_create(
    *,
    actor: User,
    request: Request,
    pattern: str,
    count: int,
    skip_conflicts: bool,
    equipment: Sequence[Equipment] = (),
    now: dt.datetime | None = None,
) -> tuple[list[Booking], list[Skipped]]:
    """One row per date, each checked like a single booking; dates that cannot be booked are
    listed, and either skipped (when asked) or the whole series is refused."""
    now = now or timezone.now()
    if not 2 <= count <= 52:
        raise DomainError(_("繰り返しの回数は2〜52回で入力してください。"), field="count")
    check_who(actor, request)
    first = timezone.localtime(request.starts_at)
    length = request.ends_at - request.starts_at
    series = Series.objects.create(
        room=request.room,
        group=request.group,
        pattern=pattern,
        first_start=request.starts_at,
        first_end=request.ends_at,
        count=count,
    )
    made: list[Booking] = []
    skipped: list[Skipped] = []
    for day in series_dates(pattern, first.date(), count):
        starts_at = rules.at(day, first.time())
        one = Request(**{**request.__dict__, "starts_at": starts_at, "ends_at": starts_at + length})
        try:
            with transaction.atomic():
                made.append(
                    booking_create(
                        actor=actor, request=one, equipment=equipment, series=series, now=now
                    )
                )
        except DomainError as exc:
            skipped.append(Skipped(day, str(exc.message)))
    if skipped and not skip_conflicts:
        raise SeriesConflicts(skipped)
    if not made:
        raise DomainError(_("予約できる日が1日もありません。"), field="repeat")
    audit_record(
        actor=actor,
        action="booking.series_create",
        target=series,
        changes={"made": len(made), "skipped": [s.day.isoformat() for s in skipped]},
    )
    return made, skipped


# --- change, and every status move ---------------------------------------------------------


@transaction.atomic
def booking_change(
    *,
    actor: User,
    booking: Booking,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    attendees: int,
    purpose: str,
    now: dt.datetime | None = None,
) -> Booking:
    """Move a booking to another time of the same room: the rules as for a new one, the
    cancellation deadline as for a cancellation; staff may change at any time."""
    now = now or timezone.now()
    authorize(actor, "booking.change", booking)
    locked = Booking.objects.select_for_update().select_related("room__facility").get(pk=booking.pk)
    request = Request(
        room=locked.room,
        starts_at=starts_at,
        ends_at=ends_at,
        group=locked.group,
        purpose=purpose,
        attendees=attendees,
        channel=locked.channel,
        holder_name=locked.holder_name,
    )
    check_time(request, now=now, ignore_lottery=locked.channel == Channel.LOTTERY)
    check_limits(request, now=now, excluding=locked.pk)
    before = (locked.starts_at, locked.ends_at)
    moved = before != (starts_at, ends_at)
    with transaction.atomic():
        _lock_room(locked.room)
        if _overlapping(locked.room, starts_at, ends_at, locked.pk).exists():
            raise _refuse(_(TAKEN), "start_time")
        # The same items at the new time: their stock is checked again, this booking aside.
        items = _lock_equipment(locked.room, list(locked.equipment.all()))
        _check_stock(items, starts_at, ends_at, locked.pk)
        registered = locked.group is not None and locked.group.is_registered()
        locked.starts_at, locked.ends_at = starts_at, ends_at
        locked.attendees, locked.purpose = attendees, purpose
        extra = sum(item.fee for item in items)
        locked.fee = rules.fee_for(locked.room, starts_at, ends_at, registered) + extra
        try:
            with transaction.atomic():
                locked.save(
                    update_fields=[
                        "starts_at",
                        "ends_at",
                        "attendees",
                        "purpose",
                        "fee",
                        "updated_at",
                    ]
                )
        except IntegrityError as exc:
            raise _refuse(_(TAKEN), "start_time") from exc
    if moved:
        slot_freed_at(room=locked.room, starts_at=before[0], ends_at=before[1], now=now)
    audit_record(
        actor=actor,
        action="booking.change",
        target=locked,
        changes={"starts_at": [before[0], starts_at], "ends_at": [before[1], ends_at]},
    )
    booking.refresh_from_db()
    return locked


def booking_act(*, actor: User, booking: Booking, action: str, reason: str = "") -> Booking:
    """A person's move from the booking's page (cancel, approve, reject, void, no-show)."""
    return WORKFLOW.transition(actor=actor, obj=booking, action=action, reason=reason)


@transaction.atomic
def booking_number(*, actor: User, booking: Booking) -> str:
    """The 利用承認書's number, given once, when it is first printed."""
    locked = Booking.objects.select_for_update().get(pk=booking.pk)
    if not locked.number:
        day = timezone.localtime(locked.starts_at).date()
        locked.number = next_number("booking", fiscal_year(day))
        locked.save(update_fields=["number"])
        audit_record(actor=actor, action="booking.number", target=locked, summary=locked.number)
    booking.number = locked.number
    return locked.number


# --- freed slots and the people watching for them -----------------------------------------


def slot_freed(*, booking: Booking, now: dt.datetime) -> None:
    slot_freed_at(room=booking.room, starts_at=booking.starts_at, ends_at=booking.ends_at, now=now)


def slot_freed_at(
    *, room: Room, starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime
) -> None:
    """A time became free: list it, and tell the groups that watch this room and day."""
    if ends_at <= now:
        return
    FreedSlot.objects.create(room=room, starts_at=starts_at, ends_at=ends_at, freed_at=now)
    day = timezone.localtime(starts_at).date()
    watchers = list(Watch.objects.filter(room=room, day=day).select_related("group"))
    if watchers:
        notify(
            to=[audience("group", w.group) for w in watchers],
            subject=mail_subject(gettext_noop("空きが出ました：%(room)s"), room=str(room)),
            template="booking/email/freed.txt",
            context={
                "room": room,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "path": reverse("booking:room", args=[room.pk]) + f"?day={day.isoformat()}",
            },
            name="booking.freed",
        )


@transaction.atomic
def watch_create(*, actor: User, group: CivicGroup, room: Room, day: dt.date) -> Watch:
    authorize(actor, "booking.book_for_group", group)
    watch, created = Watch.objects.get_or_create(group=group, room=room, day=day)
    if created:
        audit_record(actor=actor, action="booking.watch", target=watch, summary=str(day))
    return watch


def group_feed(*, group: CivicGroup) -> GroupFeed:
    feed, _created = GroupFeed.objects.get_or_create(group=group)
    return feed


@transaction.atomic
def group_feed_renew(*, actor: User, group: CivicGroup) -> GroupFeed:
    authorize(actor, "booking.book_for_group", group)
    feed = group_feed(group=group)
    feed.token = secrets.token_urlsafe()
    feed.save(update_fields=["token"])
    audit_record(actor=actor, action="booking.feed_renew", target=group)
    return feed


# --- the lottery -------------------------------------------------------------------------------


@transaction.atomic
def lottery_round_create(
    *, actor: User, data: dict[str, Any], rooms: Sequence[Room]
) -> LotteryRound:
    authorize(actor, "booking.manage")
    if data["last_day"] < data["first_day"]:
        raise DomainError(_("最終日は初日以降にしてください。"), field="last_day")
    if not data["entries_open_at"] < data["entries_close_at"] < data["confirm_by"]:
        raise DomainError(
            _("申込開始 → 申込締切 → 当選確定の期限 の順になるようにしてください。"),
            field="confirm_by",
        )
    if timezone.localtime(data["confirm_by"]).date() >= data["first_day"]:
        raise DomainError(
            _("当選確定の期限は対象期間の初日より前にしてください。"), field="confirm_by"
        )
    lottery = LotteryRound.objects.create(**data)
    lottery.rooms.set(rooms)
    audit_record(
        actor=actor, action="booking.lottery_create", target=lottery, summary=lottery.title
    )
    return lottery


@transaction.atomic
def lottery_enter(
    *,
    actor: User,
    lottery: LotteryRound,
    request: Request,
    equipment: Iterable[Equipment] = (),
    now: dt.datetime | None = None,
) -> LotteryEntry:
    """An entry: a time in one of the round's rooms, with the lent items it asks for (lent to
    a winner if still in stock when the draw books the time)."""
    now = now or timezone.now()
    group = request.group
    if group is None:
        raise DomainError(_("団体を選んでください。"), field="group")
    authorize(actor, "booking.book_for_group", group)
    if not lottery.entries_open_at <= now < lottery.entries_close_at:
        raise DomainError(_("抽選の申込期間ではありません。"))
    if not lottery.rooms.filter(pk=request.room.pk).exists():
        raise DomainError(_("この部屋はこの抽選の対象ではありません。"), field="room")
    day = timezone.localtime(request.starts_at).date()
    if not lottery.first_day <= day <= lottery.last_day:
        raise DomainError(
            _("抽選の対象期間（%(first)s〜%(last)s）の日を選んでください。")
            % {"first": lottery.first_day, "last": lottery.last_day},
            field="day",
        )
    problem = rules.fits_mode(request.room, request.starts_at, request.ends_at)
    if problem:
        raise DomainError(problem, field="start_time")
    closed = rules.closed_reason(request.room.facility, request.room, day)
    if closed:
        raise DomainError(_("この日は予約できません：%(reason)s") % {"reason": closed}, field="day")
    items = list(equipment)
    if any(item.facility_id != request.room.facility_id for item in items):
        raise _refuse(_(NOT_LENT_HERE), "equipment")
    # Lock the round so that two entries sent together cannot both pass the cap.
    LotteryRound.objects.select_for_update().filter(pk=lottery.pk).exists()
    if lottery.entries.filter(group=group).count() >= lottery.per_group_cap:
        raise DomainError(
            _("この抽選に1団体が申し込めるのは%(n)s件までです。") % {"n": lottery.per_group_cap}
        )
    if lottery.entries.filter(group=group, room=request.room, starts_at=request.starts_at).exists():
        raise DomainError(_("同じ枠にはすでに申し込んでいます。"), field="start_time")
    entry = LotteryEntry.objects.create(
        round=lottery,
        group=group,
        room=request.room,
        starts_at=request.starts_at,
        ends_at=request.ends_at,
        purpose=request.purpose,
        attendees=request.attendees,
        tier=1 if group.is_registered(day) else 2,
        entered_by=actor,
    )
    if items:
        entry.equipment.set(items)
    audit_record(
        actor=actor,
        action="booking.lottery_enter",
        target=entry,
        summary=str(group),
        changes={"equipment": [item.name for item in items]} if items else None,
    )
    return entry


def draw_order(seed: str, entries: Sequence[LotteryEntry]) -> list[tuple[LotteryEntry, float]]:
    """Each entry's lottery number from the stored seed, taken in the order of the entries'
    ids; sorted by (tier, number). Anyone with the seed and the entries gets the same order."""
    rng = random.Random(seed)
    numbered = [(entry, rng.random()) for entry in sorted(entries, key=lambda e: e.pk)]
    return sorted(numbered, key=lambda pair: (pair[0].tier, pair[1]))


def lottery_draw(
    *, actor: User | None, lottery: LotteryRound, now: dt.datetime | None = None
) -> LotteryRound:
    """The draw: registered groups (tier 1) first, then in lottery-number order; an entry
    whose time overlaps one already won (or an existing booking) loses. Winners get a booking
    held for them until the confirmation deadline, which a late draw moves on (rules.
    confirm_by_after_draw): winners never lose the time to confirm to a draw that came late."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = LotteryRound.objects.select_for_update().get(pk=lottery.pk)
        if locked.drawn_at is not None:
            raise DomainError(_("この抽選はすでに行いました。"))
        if now < locked.entries_close_at:
            raise DomainError(_("申込期間が終わってから抽選します。"))
        locked.seed = secrets.token_hex(16)
        entries = list(
            locked.entries.select_related("group", "room__facility").prefetch_related("equipment")
        )
        taken: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {}
        lent_to: dict[int, list[Equipment]] = {}
        not_lent_to: dict[int, list[str]] = {}
        log: list[dict[str, Any]] = []
        for entry, number in draw_order(locked.seed, entries):
            mine = taken.setdefault(entry.room_id, [])
            clash = any(s < entry.ends_at and entry.starts_at < e for s, e in mine)
            clash = clash or _overlapping(entry.room, entry.starts_at, entry.ends_at, None).exists()
            won = not clash
            not_lent: list[str] = []
            if won:
                mine.append((entry.starts_at, entry.ends_at))
                wanted = list(entry.equipment.all())
                booking = _insert(
                    entry.entered_by or actor,
                    Request(
                        room=entry.room,
                        starts_at=entry.starts_at,
                        ends_at=entry.ends_at,
                        group=entry.group,
                        purpose=entry.purpose,
                        attendees=entry.attendees,
                        channel=Channel.LOTTERY,
                    ),
                    # What the winners before it left in stock.
                    equipment=wanted,
                    lend_what_is_free=True,
                )
                lent = lent_to[entry.pk] = list(booking.equipment.all()) if wanted else []
                not_lent = not_lent_to[entry.pk] = [i.name for i in wanted if i not in lent]
                WORKFLOW.transition(actor=actor, obj=booking, action="hold", by_service=True)
                ENTRY_WORKFLOW.transition(
                    actor=actor, obj=entry, action="win", by_service=True, booking=booking
                )
            else:
                ENTRY_WORKFLOW.transition(actor=actor, obj=entry, action="lose", by_service=True)
            log.append(
                {
                    "entry": entry.pk,
                    "group": entry.group.name,
                    "room": str(entry.room),
                    "starts_at": timezone.localtime(entry.starts_at).isoformat(),
                    "ends_at": timezone.localtime(entry.ends_at).isoformat(),
                    "tier": entry.tier,
                    "number": round(number, 12),
                    "won": won,
                    **({"equipment_not_lent": not_lent} if not_lent else {}),
                }
            )
        planned = locked.confirm_by
        locked.confirm_by = rules.confirm_by_after_draw(locked, now)
        locked.drawn_at = now
        locked.draw_log = log
        locked.save(update_fields=["seed", "drawn_at", "draw_log", "confirm_by"])
        changes: dict[str, Any] = {"seed": locked.seed, "entries": len(entries)}
        if locked.confirm_by != planned:
            changes["confirm_by"] = [planned.isoformat(), locked.confirm_by.isoformat()]
        audit_record(actor=actor, action="booking.lottery_draw", target=locked, changes=changes)
        for entry in entries:
            notify(
                to=[audience("group", entry.group)],
                subject=mail_subject(gettext_noop("抽選の結果：%(title)s"), title=locked.title),
                template="booking/email/lottery_result.txt",
                context={
                    "entry": entry,
                    "lottery": locked,
                    "lent": lent_to.get(entry.pk, []),
                    "not_lent": not_lent_to.get(entry.pk, []),
                    "path": reverse("booking:lottery", args=[locked.pk]),
                },
                name="booking.lottery_result",
            )
    return locked


def lottery_replay(lottery: LotteryRound) -> list[dict[str, Any]]:
    """The draw again from the stored seed: who came first, for anyone who checks."""
    entries = list(lottery.entries.select_related("group"))
    return [
        {"entry": entry.pk, "tier": entry.tier, "number": round(number, 12)}
        for entry, number in draw_order(lottery.seed, entries)
    ]


@transaction.atomic
def lottery_confirm(*, actor: User, entry: LotteryEntry) -> LotteryEntry:
    """当選確定: the group confirms its win before the deadline; the held booking is confirmed."""
    entry = ENTRY_WORKFLOW.transition(actor=actor, obj=entry, action="confirm")
    assert entry.booking is not None  # a won entry always has its held booking
    WORKFLOW.transition(actor=actor, obj=entry.booking, action="confirm_win", by_service=True)
    return entry


def lottery_release_due(*, now: dt.datetime | None = None) -> int:
    """After the confirmation deadline: unconfirmed wins are released, their slots freed
    (and so open to 2次予約, first come). Safe to run twice at once: each round is locked and
    checked again, so a second run finds it released and does nothing."""
    now = now or timezone.now()
    released = 0
    due = LotteryRound.objects.filter(
        drawn_at__isnull=False, released_at__isnull=True, confirm_by__lte=now
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            lottery = LotteryRound.objects.select_for_update().get(pk=pk)
            if lottery.released_at is not None:
                continue
            for entry in lottery.entries.filter(status="won").select_related("booking"):
                ENTRY_WORKFLOW.transition(actor=None, obj=entry, action="release", by_service=True)
                if entry.booking is not None:
                    WORKFLOW.transition(
                        actor=None, obj=entry.booking, action="release", by_service=True
                    )
                released += 1
            LotteryRound.objects.filter(pk=lottery.pk).update(released_at=now)
    return released


def lottery_draw_due(*, now: dt.datetime | None = None) -> int:
    """Draw every round whose entry period has ended (the automatic draw). A round drawn
    meanwhile (by staff, or by another tick) is left alone: lottery_draw locks and checks."""
    now = now or timezone.now()
    due = LotteryRound.objects.filter(drawn_at__isnull=True, entries_close_at__lte=now)
    drawn = 0
    for lottery in due:
        try:
            lottery_draw(actor=None, lottery=lottery, now=now)
        except DomainError:  # already drawn: nothing left to do for this round
            continue
        drawn += 1
    return drawn
