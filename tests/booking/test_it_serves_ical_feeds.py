"""Every calendar feed parses back, declares Asia/Tokyo, and a recurring booking's left-out
dates are EXDATEs of the same value type (a date-time in Tokyo) as its DTSTART. The room's
public feed carries no personal data; the group's feed is reachable only by its secret link."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from kyodo.booking import services
from kyodo.booking.models import Booking
from tests.booking.conftest import block, make_room, request

FIRST = dt.date(2026, 5, 12)  # a Tuesday


def _parse(body: bytes) -> Calendar:
    cal = Calendar.from_ical(body)
    zones = list(cal.walk("VTIMEZONE"))
    assert [str(z["TZID"]) for z in zones] == ["Asia/Tokyo"]
    return cal


def _exdates(event: Any) -> list[Any]:
    found = event.get("EXDATE")
    if found is None:
        return []
    lists = found if isinstance(found, list) else [found]
    return [d.dt for item in lists for d in item.dts]


def test_it_serves_a_group_feed_with_its_series_and_exception_dates(
    clock: Any, representative_a: Any, group_a: Any, representative_b: Any, group_b: Any
) -> None:
    room = make_room(advance_days=120)
    services.booking_create(
        actor=representative_b,
        request=request(room, group_b, block(FIRST + dt.timedelta(weeks=1), "evening")),
    )
    made, skipped = services.booking_series_create(
        actor=representative_a,
        request=request(room, group_a, block(FIRST, "evening"), purpose="定例会"),
        pattern="weekly",
        count=4,
        skip_conflicts=True,
    )
    assert len(made) == 3 and len(skipped) == 1
    services.booking_act(actor=representative_a, booking=made[1], action="cancel")
    single = services.booking_create(
        actor=representative_a, request=request(room, group_a, block(FIRST + dt.timedelta(days=1)))
    )
    token = services.group_feed(group=group_a).token
    response = Client().get(reverse("booking:group_ical", args=[token]))
    assert response["Content-Type"].startswith("text/calendar")
    cal = _parse(response.content)
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    master = events[f"series-{made[0].series_id}@kyodo"]
    start = master["DTSTART"].dt
    assert isinstance(start, dt.datetime) and master["DTSTART"].params["TZID"] == "Asia/Tokyo"
    assert (start.hour, start.minute, start.date()) == (18, 0, FIRST)
    assert master["RRULE"]["FREQ"] == ["WEEKLY"] and master["RRULE"]["COUNT"] == [4]
    exdates = _exdates(master)
    assert [d.date() for d in exdates] == [
        FIRST + dt.timedelta(weeks=1),
        FIRST + dt.timedelta(weeks=2),
    ]
    for d in exdates:
        assert (
            type(d) is type(start) and d.tzinfo is not None and d.utcoffset() == start.utcoffset()
        )
        assert (d.hour, d.minute) == (18, 0)
    assert f"booking-{single.pk}@kyodo" in events
    assert "定例会" in str(master["SUMMARY"])


def test_it_serves_a_public_room_feed_without_personal_data(
    clock: Any, representative_a: Any, group_a: Any
) -> None:
    room = make_room()
    services.booking_create(
        actor=representative_a, request=request(room, group_a, block(FIRST), purpose="秘密の相談")
    )
    body = Client().get(reverse("booking:room_ical", args=[room.pk])).content
    cal = _parse(body)
    [event] = cal.walk("VEVENT")
    assert str(event["SUMMARY"]) == "予約あり"
    assert event["DTSTART"].params["TZID"] == "Asia/Tokyo"
    text = body.decode()
    assert "グループA" not in text and "秘密の相談" not in text and "代表" not in text


def test_it_hides_a_group_feed_behind_its_secret_link(
    clock: Any, representative_a: Any, group_a: Any
) -> None:
    feed = services.group_feed(group=group_a)
    assert Client().get(reverse("booking:group_ical", args=["guessed"])).status_code == 404
    old = feed.token
    services.group_feed_renew(actor=representative_a, group=group_a)
    assert Client().get(reverse("booking:group_ical", args=[old])).status_code == 404
    feed.refresh_from_db()
    assert Client().get(reverse("booking:group_ical", args=[feed.token])).status_code == 200
    assert Booking.objects.count() == 0
