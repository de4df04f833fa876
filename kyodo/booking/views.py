"""Booking pages: rooms and their calendars (public), booking and the group's own pages, the
lottery, and the center's staff pages. Views validate, call one service, and answer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kyodo.booking import feeds, rules, selectors, services, tables
from kyodo.booking.forms import (
    BookingForm,
    ChangeForm,
    ClosureForm,
    EntryForm,
    EquipmentForm,
    FacilityForm,
    LotteryRoundForm,
    MonthForm,
    ReasonForm,
    RoomForm,
    WatchForm,
)
from kyodo.booking.models import Booking, Facility, GroupFeed, LotteryEntry, LotteryRound, Room
from kyodo.booking.permissions import is_booking_staff
from kyodo.booking.workflow import ENTRY_WORKFLOW, WORKFLOW
from kyodo.core.errors import DomainError, form_error
from kyodo.core.http import AuthenticatedHttpRequest
from kyodo.core.once import once_per_submit
from kyodo.core.permissions import NotAllowed, authorize
from kyodo.japan.calendar import parse_date
from kyodo.registry.models import CivicGroup

WEEK = 7
ROOMS_PER_PAGE = 20


def _day(request: HttpRequest, name: str = "day") -> dt.date:
    """The day a page starts on (?day=…); today when missing or not a date."""
    try:
        return parse_date(request.GET.get(name, "")[:40])
    except ValueError:
        return timezone.localdate()


def _my_groups(user: Any) -> QuerySet[CivicGroup]:
    """The groups a person may book for: staff, every registered group; others, their own."""
    today = timezone.localdate()
    groups = CivicGroup.objects.registered_on(today)
    if not is_booking_staff(user):
        groups = groups.filter(memberships__user=user)
    return groups.order_by("name_kana").distinct()


def _legend() -> list[tuple[str, Any]]:
    return list(selectors.LEGEND.values())


# --- public: rooms, calendars, freed slots, feeds -------------------------------------------


def rooms(request: HttpRequest) -> HttpResponse:
    """Every room with its free slots for a week (the availability search)."""
    first = _day(request, "week")
    facility_id = request.GET.get("facility", "")
    minimum = request.GET.get("capacity", "")
    found = selectors.rooms()
    if facility_id.isdigit():
        found = found.filter(facility_id=int(facility_id))
    if minimum.isdigit() and len(minimum) < 6:
        found = found.filter(capacity__gte=int(minimum))
    page = Paginator(found.order_by("facility_id", "pk"), ROOMS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    room_list = list(page.object_list)
    calendar = selectors.calendar(room_list, first, WEEK, cells=False)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "booking/rooms.html",
        {
            "page": page,
            "rows": tables.search_rows([(room, calendar[room.pk]) for room in room_list]),
            "days": [first + dt.timedelta(days=n) for n in range(WEEK)],
            "first": first,
            "previous": first - dt.timedelta(days=WEEK),
            "next": first + dt.timedelta(days=WEEK),
            "facilities": _facility_options(facility_id),
            "facility_id": facility_id,
            "capacity": minimum if minimum.isdigit() else "",
            "querystring": params.urlencode(),
            "legend": _legend(),
        },
    )


def _facility_options(chosen: str) -> str:
    """The facility filter's <option>s, made in one pass (a city has hundreds of sites; a
    template loop with a filter per option cost more than the rest of the page)."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (pk, " selected" if str(pk) == chosen else "", name)
            for pk, name in selectors.facility_choices()
        ),
    )


def room(request: HttpRequest, pk: int) -> HttpResponse:
    """A room's calendar as a table: a day, a week or a month."""
    the_room = get_object_or_404(Room.objects.select_related("facility"), pk=pk)
    view = request.GET.get("view", "week")
    if view not in ("day", "week", "month"):
        view = "week"
    day = _day(request)
    if view == "month":
        first = day.replace(day=1)
        days = ((first + dt.timedelta(days=32)).replace(day=1) - first).days
        previous = (first - dt.timedelta(days=1)).replace(day=1)
        following = first + dt.timedelta(days=days)
    else:
        first = day
        days = 1 if view == "day" else WEEK
        previous, following = first - dt.timedelta(days=days), first + dt.timedelta(days=days)
    calendar = selectors.calendar([the_room], first, days)[the_room.pk]
    user = request.user
    watch_form = None
    if user.is_authenticated:
        groups = _my_groups(user)
        if groups.exists():
            watch_form = WatchForm(groups=groups, initial={"day": day})
    return render(
        request,
        "booking/room.html",
        {
            "room": the_room,
            "calendar_rows": tables.room_rows(the_room, calendar),
            "view": view,
            "first": first,
            "previous": previous,
            "next": following,
            "legend": _legend(),
            "blocks": rules.BLOCKS,
            "equipment": the_room.facility.equipment.all(),
            "watch_form": watch_form,
            "lotteries": the_room.lottery_rounds.filter(confirm_by__gt=timezone.now()),
        },
    )


def room_ical(request: HttpRequest, pk: int) -> HttpResponse:
    the_room = get_object_or_404(Room.objects.select_related("facility"), pk=pk)
    return feeds.ical_response(feeds.room_calendar(the_room), f"room-{the_room.pk}.ics")


def group_ical(request: HttpRequest, token: str) -> HttpResponse:
    feed = get_object_or_404(GroupFeed.objects.select_related("group"), token=token)
    return feeds.ical_response(feeds.group_calendar(feed.group), f"group-{feed.group_id}.ics")


def freed(request: HttpRequest) -> HttpResponse:
    return render(request, "booking/freed.html", {"slots": selectors.freed_slots()[:200]})


def freed_feed(request: HttpRequest) -> HttpResponse:
    return feeds.freed_atom(request, selectors.freed_slots()[:100])


# --- booking, changing, cancelling -----------------------------------------------------------


@login_required
@once_per_submit(fallback="booking:mine")
def book(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The one booking screen: groups on the web, and staff at the window or on the phone."""
    the_room = get_object_or_404(Room.objects.select_related("facility"), pk=pk)
    authorize(request.user, "booking.book", the_room)
    staff = is_booking_staff(request.user)
    groups = _my_groups(request.user)
    initial: dict[str, Any] = {"day": _day(request), "slot": request.GET.get("slot", "")[:20]}
    if "start" in request.GET:
        initial["start_time"] = request.GET["start"][:5]
    if groups.count() == 1:
        initial["group"] = groups.first()
    if staff:
        initial["channel"] = "window"
    form = BookingForm(
        request.POST or None, room=the_room, groups=groups, staff=staff, initial=initial
    )
    skipped: list[services.Skipped] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        starts_at, ends_at = form.times()
        req = services.Request(
            room=the_room,
            starts_at=starts_at,
            ends_at=ends_at,
            group=data.get("group"),
            purpose=data["purpose"],
            attendees=data["attendees"],
            channel=data.get("channel") or "web",
            holder_name=data.get("holder_name") or "",
            holder_phone=data.get("holder_phone") or "",
        )
        try:
            if data.get("repeat"):
                made, skipped = services.booking_series_create(
                    actor=request.user,
                    request=req,
                    pattern=data["repeat"],
                    count=data["count"],
                    skip_conflicts=data.get("skip_conflicts", False),
                    equipment=list(data.get("equipment") or []),
                )
                note = _("%(n)s回分を予約しました。") % {"n": len(made)}
                if skipped:
                    note += " " + _("予約できなかった%(n)s日は除きました。") % {"n": len(skipped)}
                messages.success(request, note)
                return redirect("booking:detail", pk=made[0].pk)
            booking = services.booking_create(
                actor=request.user, request=req, equipment=list(data.get("equipment") or [])
            )
        except services.SeriesConflicts as exc:
            skipped = exc.skipped
            form_error(form, exc)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _booked_message(booking))
            return redirect("booking:detail", pk=booking.pk)
    return render(
        request,
        "booking/book.html",
        {"room": the_room, "form": form, "staff": staff, "skipped": skipped},
    )


def _booked_message(booking: Booking) -> str:
    if booking.status == "requested":
        return _("予約を申し込みました。センターの承認をお待ちください。")
    return _("予約が確定しました。")


@login_required
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    booking = get_object_or_404(
        Booking.objects.select_related("room__facility", "group", "booked_by", "series"), pk=pk
    )
    authorize(request.user, "booking.view", booking)
    return render(request, "booking/detail.html", _detail_context(request, booking))


def _detail_context(
    request: AuthenticatedHttpRequest, booking: Booking, reason_form: ReasonForm | None = None
) -> dict[str, Any]:
    state = WORKFLOW.state_of(booking)
    actions = [
        (
            t,
            WORKFLOW.check(request.user, booking, t.action),
            reason_form
            if reason_form is not None and reason_form.prefix == t.action
            else ReasonForm(prefix=t.action),
        )
        for t in WORKFLOW.actions_for(request.user, booking)
    ]
    return {
        "booking": booking,
        "state": state,
        "staff": is_booking_staff(request.user),
        "actions": actions,
        "deadline": rules.cancel_deadline(booking),
        "equipment": booking.equipment.all(),
        "entry": getattr(booking, "lottery_entry", None),
    }


@require_POST
@login_required
def act(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    booking = get_object_or_404(Booking.objects.select_related("room__facility", "group"), pk=pk)
    authorize(request.user, "booking.view", booking)
    form = ReasonForm(request.POST, prefix=action)
    if action not in WORKFLOW.transitions:
        return redirect("booking:detail", pk=booking.pk)
    if form.is_valid():
        try:
            services.booking_act(
                actor=request.user,
                booking=booking,
                action=action,
                reason=form.cleaned_data.get("reason") or "",
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request,
                _("「%(label)s」を行いました。") % {"label": WORKFLOW.transitions[action].label},
            )
            return redirect("booking:detail", pk=booking.pk)
    booking.refresh_from_db()
    return render(request, "booking/detail.html", _detail_context(request, booking, form))


@login_required
def change(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    booking = get_object_or_404(Booking.objects.select_related("room__facility", "group"), pk=pk)
    authorize(request.user, "booking.change", booking)
    local = timezone.localtime(booking.starts_at)
    block = next((b.key for b in rules.BLOCKS if b.start == local.time()), "")
    form = ChangeForm(
        request.POST or None,
        room=booking.room,
        initial={
            "day": local.date(),
            "slot": block,
            "start_time": local.time(),
            "end_time": timezone.localtime(booking.ends_at).time(),
            "attendees": booking.attendees,
            "purpose": booking.purpose,
        },
    )
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.times()
        try:
            services.booking_change(
                actor=request.user,
                booking=booking,
                starts_at=starts_at,
                ends_at=ends_at,
                attendees=form.cleaned_data["attendees"],
                purpose=form.cleaned_data["purpose"],
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("予約を変更しました。"))
            return redirect("booking:detail", pk=booking.pk)
    return render(request, "booking/change.html", {"booking": booking, "form": form})


@login_required
def approval(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """利用承認書: a page that prints as the letter (a number is given on first printing)."""
    booking = get_object_or_404(Booking.objects.select_related("room__facility", "group"), pk=pk)
    authorize(request.user, "booking.view", booking)
    if booking.status != "confirmed":
        messages.error(request, _("利用承認書は、確定した予約について発行します。"))
        return redirect("booking:detail", pk=booking.pk)
    services.booking_number(actor=request.user, booking=booking)
    return render(
        request,
        "booking/approval.html",
        {"booking": booking, "equipment": booking.equipment.all(), "today": timezone.localdate()},
    )


@require_POST
@login_required
@once_per_submit(fallback="booking:mine")
def watch(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    the_room = get_object_or_404(Room.objects.select_related("facility"), pk=pk)
    authorize(request.user, "booking.book", the_room)
    groups = _my_groups(request.user)
    form = WatchForm(request.POST, groups=groups)
    if form.is_valid():
        services.watch_create(
            actor=request.user,
            group=form.cleaned_data["group"],
            room=the_room,
            day=form.cleaned_data["day"],
        )
        messages.success(request, _("空きが出たら、団体にお知らせします。"))
        return redirect(reverse("booking:room", args=[the_room.pk]))
    calendar = selectors.calendar([the_room], timezone.localdate(), WEEK)[the_room.pk]
    return render(
        request,
        "booking/room.html",
        {
            "room": the_room,
            "calendar_rows": tables.room_rows(the_room, calendar),
            "view": "week",
            "first": timezone.localdate(),
            "previous": timezone.localdate() - dt.timedelta(days=WEEK),
            "next": timezone.localdate() + dt.timedelta(days=WEEK),
            "legend": _legend(),
            "blocks": rules.BLOCKS,
            "equipment": the_room.facility.equipment.all(),
            "watch_form": form,
            "lotteries": [],
        },
    )


# --- the group's own pages ----------------------------------------------------------------


@login_required
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    groups = list(_my_groups(request.user)) if not is_booking_staff(request.user) else []
    return render(
        request,
        "booking/mine.html",
        {
            "bookings": selectors.person_bookings(request.user),
            "entries": selectors.entries_of(request.user),
            "groups": groups,
            "entry_workflow": ENTRY_WORKFLOW,
        },
    )


@login_required
def group_calendar(request: AuthenticatedHttpRequest, group_pk: int) -> HttpResponse:
    """The group's bookings by day, week or month, as a table; and its private feed."""
    group = get_object_or_404(CivicGroup, pk=group_pk)
    authorize(request.user, "registry.view_private", group)
    view = request.GET.get("view", "month")
    if view not in ("day", "week", "month"):
        view = "month"
    day = _day(request)
    if view == "month":
        first = day.replace(day=1)
        last = (first + dt.timedelta(days=32)).replace(day=1)
    else:
        first = day
        last = day + dt.timedelta(days=1 if view == "day" else WEEK)
    bookings = selectors.group_bookings(group, upcoming_only=False).filter(
        starts_at__gte=rules.at(first, dt.time(0, 0)), starts_at__lt=rules.at(last, dt.time(0, 0))
    )
    feed = services.group_feed(group=group)
    return render(
        request,
        "booking/group_calendar.html",
        {
            "group": group,
            "bookings": bookings,
            "view": view,
            "first": first,
            "last": last - dt.timedelta(days=1),
            "previous": first - (last - first)
            if view != "month"
            else (first - dt.timedelta(days=1)).replace(day=1),
            "next": last,
            "feed_url": request.build_absolute_uri(
                reverse("booking:group_ical", args=[feed.token])
            ),
        },
    )


@require_POST
@login_required
def feed_renew(request: AuthenticatedHttpRequest, group_pk: int) -> HttpResponse:
    group = get_object_or_404(CivicGroup, pk=group_pk)
    services.group_feed_renew(actor=request.user, group=group)
    messages.success(
        request, _("カレンダーの非公開リンクを新しくしました。古いリンクは使えません。")
    )
    return redirect("booking:group_calendar", group_pk=group.pk)


# --- the lottery ------------------------------------------------------------------------------


@login_required
def lotteries(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "booking/lotteries.html",
        {"lotteries": selectors.open_lotteries(), "now": timezone.now()},
    )


@login_required
def lottery(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A lottery: its rooms, the person's entries, and once drawn, the draw log and seed."""
    the_round = get_object_or_404(LotteryRound.objects.prefetch_related("rooms__facility"), pk=pk)
    staff = is_booking_staff(request.user)
    entries = the_round.entries.select_related(
        "group", "room__facility", "booking"
    ).prefetch_related("equipment", "booking__equipment")
    # Staff see every entry (they confirm at the window); a member, their groups' entries,
    # registered today or not (a result is theirs to see even after a lapse).
    if not staff:
        entries = entries.filter(group__memberships__user=request.user).distinct()
    entries = entries.order_by("starts_at", "room__name", "group__name_kana", "pk")
    now = timezone.now()
    return render(
        request,
        "booking/lottery.html",
        {
            "lottery": the_round,
            "entries": entries,
            "entry_workflow": ENTRY_WORKFLOW,
            "open": the_round.entries_open_at <= now < the_round.entries_close_at,
            "confirming": the_round.drawn_at is not None and now < the_round.confirm_by,
            "staff": staff,
            "replay_matches": the_round.drawn_at is not None
            and [(e["entry"], e["number"]) for e in services.lottery_replay(the_round)]
            == [(e["entry"], e["number"]) for e in the_round.draw_log],
        },
    )


@login_required
@once_per_submit(fallback="booking:lotteries")
def lottery_enter(request: AuthenticatedHttpRequest, pk: int, room_pk: int) -> HttpResponse:
    the_round = get_object_or_404(LotteryRound, pk=pk)
    the_room = get_object_or_404(the_round.rooms.select_related("facility"), pk=room_pk)
    authorize(request.user, "booking.book", the_room)
    groups = _my_groups(request.user)
    initial: dict[str, Any] = {"day": _day(request), "slot": request.GET.get("slot", "")[:20]}
    if groups.count() == 1:
        initial["group"] = groups.first()
    form = EntryForm(request.POST or None, room=the_room, groups=groups, initial=initial)
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.times()
        try:
            services.lottery_enter(
                actor=request.user,
                lottery=the_round,
                request=services.Request(
                    room=the_room,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    group=form.cleaned_data["group"],
                    purpose=form.cleaned_data["purpose"],
                    attendees=form.cleaned_data["attendees"],
                ),
                equipment=list(form.cleaned_data.get("equipment") or []),
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("抽選に申し込みました。結果はメールでもお知らせします。"))
            return redirect("booking:lottery", pk=the_round.pk)
    return render(
        request,
        "booking/lottery_enter.html",
        {"lottery": the_round, "room": the_room, "form": form},
    )


@require_POST
@login_required
def lottery_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(
        LotteryEntry.objects.select_related("round", "group", "booking"), pk=pk
    )
    authorize(request.user, "booking.book_for_group", entry.group)
    try:
        services.lottery_confirm(actor=request.user, entry=entry)
    except (DomainError, NotAllowed) as exc:  # not won, or past the deadline: say why
        messages.error(request, str(exc))
    else:
        messages.success(request, _("当選を確定しました。予約が確定しました。"))
    return redirect("booking:lottery", pk=entry.round_id)


@require_POST
@login_required
def lottery_draw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    the_round = get_object_or_404(LotteryRound, pk=pk)
    authorize(request.user, "booking.manage")
    try:
        services.lottery_draw(actor=request.user, lottery=the_round)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("抽選を行いました。結果を各団体にお知らせしました。"))
    return redirect("booking:lottery", pk=the_round.pk)


@login_required
@once_per_submit(fallback="booking:staff")
def lottery_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    authorize(request.user, "booking.manage")
    form = LotteryRoundForm(request.POST or None, initial={"per_group_cap": 2})
    if request.method == "POST" and form.is_valid():
        try:
            created = services.lottery_round_create(
                actor=request.user, data=form.round_data(), rooms=list(form.cleaned_data["rooms"])
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("抽選を作成しました。"))
            return redirect("booking:lottery", pk=created.pk)
    return render(request, "booking/staff_form.html", {"form": form, "title": _("抽選を作成")})


# --- staff ----------------------------------------------------------------------------------


@login_required
def staff(request: AuthenticatedHttpRequest) -> HttpResponse:
    authorize(request.user, "booking.manage")
    day = _day(request)
    return render(
        request,
        "booking/staff.html",
        {
            "day": day,
            "sheet": selectors.day_sheet(day),
            "awaiting": selectors.awaiting_approval(),
            "upcoming": selectors.upcoming(),
            "facilities": Facility.objects.prefetch_related("rooms", "equipment", "closures"),
            "workflow": WORKFLOW,
            "previous": day - dt.timedelta(days=1),
            "next": day + dt.timedelta(days=1),
        },
    )


def _staff_form(request: HttpRequest, form: Any, title: str, **extra: Any) -> HttpResponse:
    return render(request, "booking/staff_form.html", {"form": form, "title": title, **extra})


@login_required
@once_per_submit(fallback="booking:staff")
def facility_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    authorize(request.user, "booking.manage")
    form = FacilityForm(request.POST or None, initial={"opens_at": "9:00", "closes_at": "21:30"})
    if request.method == "POST" and form.is_valid():
        services.facility_save(actor=request.user, facility=Facility(), data=form.cleaned_data)
        messages.success(request, _("施設を登録しました。"))
        return redirect("booking:staff")
    return _staff_form(request, form, _("施設を登録"))


@login_required
def facility_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    facility = get_object_or_404(Facility, pk=pk)
    authorize(request.user, "booking.manage")
    form = FacilityForm(request.POST or None, initial=FacilityForm.initial_for(facility))
    if request.method == "POST" and form.is_valid():
        services.facility_save(actor=request.user, facility=facility, data=form.cleaned_data)
        messages.success(request, _("施設の情報を保存しました。"))
        return redirect("booking:staff")
    return _staff_form(request, form, _("%(name)s の情報") % {"name": facility.name})


@login_required
@once_per_submit(fallback="booking:staff")
def room_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    facility = get_object_or_404(Facility, pk=pk)
    authorize(request.user, "booking.manage")
    form = RoomForm(request.POST or None, initial=RoomForm.initial_for(Room(facility=facility)))
    if request.method == "POST" and form.is_valid():
        services.room_save(actor=request.user, room=Room(facility=facility), data=form.cleaned_data)
        messages.success(request, _("部屋を登録しました。"))
        return redirect("booking:staff")
    return _staff_form(request, form, _("%(name)s に部屋を登録") % {"name": facility.name})


@login_required
def room_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    the_room = get_object_or_404(Room.objects.select_related("facility"), pk=pk)
    authorize(request.user, "booking.manage")
    form = RoomForm(request.POST or None, initial=RoomForm.initial_for(the_room))
    if request.method == "POST" and form.is_valid():
        services.room_save(actor=request.user, room=the_room, data=form.cleaned_data)
        messages.success(request, _("部屋の設定を保存しました。"))
        return redirect("booking:staff")
    return _staff_form(request, form, _("%(name)s の設定と予約のルール") % {"name": str(the_room)})


@login_required
@once_per_submit(fallback="booking:staff")
def closure_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    facility = get_object_or_404(Facility, pk=pk)
    authorize(request.user, "booking.manage")
    form = ClosureForm(request.POST or None, facility=facility)
    if request.method == "POST" and form.is_valid():
        try:
            services.closure_create(actor=request.user, facility=facility, **form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("臨時休館を登録しました。"))
            return redirect("booking:staff")
    return _staff_form(request, form, _("%(name)s の臨時休館") % {"name": facility.name})


@login_required
@once_per_submit(fallback="booking:staff")
def equipment_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    facility = get_object_or_404(Facility, pk=pk)
    authorize(request.user, "booking.manage")
    form = EquipmentForm(request.POST or None, initial={"quantity": 1, "fee": 0})
    if request.method == "POST" and form.is_valid():
        services.equipment_create(actor=request.user, facility=facility, **form.cleaned_data)
        messages.success(request, _("備品を登録しました。"))
        return redirect("booking:staff")
    return _staff_form(request, form, _("%(name)s の貸出備品を登録") % {"name": facility.name})


@login_required
def stats(request: AuthenticatedHttpRequest) -> HttpResponse:
    authorize(request.user, "booking.manage")
    form = MonthForm(request.GET or None)
    month = form.month_start(timezone.localdate())
    return render(
        request,
        "booking/stats.html",
        {
            "form": form,
            "month": month,
            "occupancy": selectors.occupancy(month),
            "per_group": selectors.bookings_per_group(month),
        },
    )
