"""Calendar feeds (iCalendar) and the freed-slots feed (Atom).

A room's public feed says only when the room is taken, never by whom. A group's private
feed (behind its secret link) names its bookings; a recurring booking is one event with its
rule, and the dates left out (skipped, cancelled or moved) are EXDATEs of the same value
type as DTSTART — a date-time in Asia/Tokyo — so that every calendar program removes
exactly those occurrences. The time zone is declared with a VTIMEZONE built from the tz
database, so every program shows Japan time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from kyodo.booking import services
from kyodo.booking.models import ACTIVE_STATUSES, Booking, FreedSlot, Room, Series
from kyodo.registry.models import CivicGroup

TOKYO = ZoneInfo("Asia/Tokyo")
HORIZON = dt.timedelta(days=400)


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//Kyodo//booking//JA")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Tokyo")
    return cal


def _finish(cal: Calendar) -> bytes:
    cal.add_missing_timezones()
    return cal.to_ical()


def _event(uid: str, start: dt.datetime, end: dt.datetime, summary: str) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", start.astimezone(TOKYO))
    event.add("dtend", end.astimezone(TOKYO))
    event.add("summary", summary)
    return event


def _upcoming(bookings: Iterable[Booking]) -> list[Booking]:
    return list(bookings)


def room_calendar(room: Room) -> bytes:
    """Public: when the room is taken, and nothing about who took it."""
    now = timezone.now()
    cal = _calendar(str(room))
    for booking in Booking.objects.filter(
        room=room,
        status__in=ACTIVE_STATUSES,
        ends_at__gt=now - dt.timedelta(days=31),
        starts_at__lt=now + HORIZON,
    ).only("pk", "starts_at", "ends_at"):
        cal.add_component(
            _event(f"booking-{booking.pk}@kyodo", booking.starts_at, booking.ends_at, _("予約あり"))
        )
    return _finish(cal)


def group_calendar(group: CivicGroup) -> bytes:
    """Private: the group's bookings; each recurring booking as one event with its rule."""
    now = timezone.now()
    cal = _calendar(_("%(group)s の施設予約") % {"group": group.name})
    bookings = list(
        Booking.objects.filter(group=group, ends_at__gt=now - dt.timedelta(days=31))
        .select_related("room__facility", "series")
        .order_by("starts_at")
    )
    by_series: dict[int, list[Booking]] = {}
    for booking in bookings:
        if booking.series_id is not None:
            by_series.setdefault(booking.series_id, []).append(booking)
        elif booking.status in ACTIVE_STATUSES:
            cal.add_component(_single(booking))
    for rows in by_series.values():
        series = rows[0].series
        assert series is not None
        for component in _series_events(series, rows):
            cal.add_component(component)
    return _finish(cal)


def _single(booking: Booking) -> Event:
    event = _event(
        f"booking-{booking.pk}@kyodo",
        booking.starts_at,
        booking.ends_at,
        f"{booking.room}：{booking.purpose}",
    )
    event.add("location", str(booking.room.facility.address or booking.room.facility.name))
    return event


RRULE_FREQ: dict[str, dict[str, object]] = {
    Series.Pattern.WEEKLY: {"freq": "weekly", "interval": 1},
    Series.Pattern.BIWEEKLY: {"freq": "weekly", "interval": 2},
}
ICAL_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def _series_events(series: Series, rows: list[Booking]) -> list[Event]:
    """The series as one event with RRULE; its dates without an active booking at the
    planned time as EXDATEs (date-times in Asia/Tokyo, like DTSTART); a moved date as an
    event of its own."""
    first = series.first_start.astimezone(TOKYO)
    length = series.first_end - series.first_start
    planned = [
        dt.datetime.combine(day, first.time(), tzinfo=TOKYO)
        for day in services.series_dates(series.pattern, first.date(), series.count)
    ]
    active = {b.starts_at.astimezone(TOKYO): b for b in rows if b.status in ACTIVE_STATUSES}
    sample = rows[0]
    master = _event(
        f"series-{series.pk}@kyodo",
        planned[0],
        planned[0] + length,
        f"{sample.room}：{sample.purpose}",
    )
    if series.pattern in RRULE_FREQ:
        rule = {**RRULE_FREQ[series.pattern], "count": series.count}
    else:
        nth = (first.day - 1) // 7 + 1
        rule = {
            "freq": "monthly",
            "byday": f"{nth}{ICAL_DAYS[first.weekday()]}",
            "count": series.count,
        }
    master.add("rrule", rule)
    excluded = [moment for moment in planned if moment not in active]
    if excluded:
        master.add("exdate", excluded)
    events = [master]
    planned_set = set(planned)
    for moment, booking in active.items():
        if moment not in planned_set:
            events.append(_single(booking))
    return events


def ical_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def freed_atom(request: HttpRequest, slots: Iterable[FreedSlot]) -> HttpResponse:
    feed = Atom1Feed(
        title=_("施設の空き情報（取消し・失効で空いた枠）"),
        link=request.build_absolute_uri(reverse("booking:freed")),
        description=_("取消しなどで空いた部屋と時間です。先着順で予約できます。"),
        language=settings.LANGUAGE_CODE,
        feed_url=request.build_absolute_uri(reverse("booking:freed_feed")),
    )
    for slot in slots:
        start = timezone.localtime(slot.starts_at)
        end = timezone.localtime(slot.ends_at)
        title = f"{slot.room} {start:%Y-%m-%d %H:%M}〜{end:%H:%M}"
        link = request.build_absolute_uri(
            reverse("booking:room", args=[slot.room_id])
            + f"?view=day&day={start.date().isoformat()}"
        )
        feed.add_item(
            title=title,
            link=link,
            description=_("空きが出ました。先着順で予約できます。"),
            unique_id=f"freed-{slot.pk}",
            updateddate=slot.freed_at,
            pubdate=slot.freed_at,
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response
