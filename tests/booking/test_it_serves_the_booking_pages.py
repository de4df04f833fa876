"""The booking pages through the client: a group books on the web with Japanese input; staff
book at the window on the same screen with the channel recorded and print the 利用承認書;
the calendars' query counts do not grow with their rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kyodo.booking import services
from kyodo.booking.models import Booking
from kyodo.core.once import FIELD
from tests.booking.conftest import block, make_room, request


def test_it_books_on_the_web_with_full_width_digits_and_a_wareki_date(
    clock: Any, as_user: Any, representative_a: Any, group_a: Any
) -> None:
    room = make_room(mode="hourly")
    client = as_user(representative_a)
    url = reverse("booking:book", args=[room.pk])
    assert "1時間単位" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "day": "令和8年5月12日",
            "start_time": "１３：００",
            "end_time": "15時",
            "group": group_a.pk,
            "attendees": "１２",
            "purpose": "定例会",
            FIELD: "token-1",
        },
    )
    booking = Booking.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "booking:detail", args=[booking.pk]
    )
    assert booking.status == "confirmed" and booking.channel == "web" and booking.attendees == 12
    page = client.get(response["Location"]).content.decode()
    assert "予約が確定しました" in page and "13:00〜15:00" in page


def test_it_shows_a_taken_time_beside_the_field_and_keeps_what_was_typed(
    clock: Any,
    as_user: Any,
    representative_a: Any,
    group_a: Any,
    representative_b: Any,
    group_b: Any,
) -> None:
    room = make_room()
    services.booking_create(
        actor=representative_b, request=request(room, group_b, block(dt.date(2026, 5, 12)))
    )
    client = as_user(representative_a)
    response = client.post(
        reverse("booking:book", args=[room.pk]),
        {
            "day": "2026-05-12",
            "slot": "afternoon",
            "group": group_a.pk,
            "attendees": "5",
            "purpose": "勉強会",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "すでに予約が入っています" in page and 'value="勉強会"' in page
    assert Booking.objects.count() == 1


def test_it_lets_staff_book_at_the_window_and_print_the_approval(
    clock: Any, as_user: Any, center_staff: Any
) -> None:
    room = make_room(who_may_book="anyone", fee_per_hour=300, payment="window")
    client = as_user(center_staff)
    page = client.get(reverse("booking:book", args=[room.pk])).content.decode()
    assert "受付の方法" in page and "利用者名" in page
    response = client.post(
        reverse("booking:book", args=[room.pk]),
        {
            "day": "2026-05-13",
            "slot": "morning",
            "channel": "phone",
            "holder_name": "窓口 ハナ",
            "holder_phone": "0467-00-0000",
            "attendees": "4",
            "purpose": "俳句の会",
        },
    )
    booking = Booking.objects.get()
    assert response.status_code == 302
    assert (booking.channel, booking.holder_name, booking.booked_by, booking.fee) == (
        "phone",
        "窓口 ハナ",
        center_staff,
        900,
    )
    letter = client.get(reverse("booking:approval", args=[booking.pk])).content.decode()
    booking.refresh_from_db()
    assert booking.number == "2026-0001"
    assert "施設利用承認書" in letter and "窓口 ハナ" in letter and "令和8年5月13日" in letter
    client.get(reverse("booking:approval", args=[booking.pk]))
    booking.refresh_from_db()
    assert booking.number == "2026-0001"  # printed again, same number


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_it_builds_the_calendars_with_the_same_queries_for_more_rows(
    clock: Any, client: Any, representative_a: Any, group_a: Any
) -> None:
    room = make_room()
    month = reverse("booking:room", args=[room.pk]) + "?view=month&day=2026-05-01"
    rooms = reverse("booking:rooms") + "?week=2026-05-11"
    few_month, few_rooms = _queries(client, month), _queries(client, rooms)
    for n in range(10):
        day = dt.date(2026, 5, 11 + n)
        services.booking_create(
            actor=representative_a, request=request(room, group_a, block(day, "evening"))
        )
        make_room(name=f"部屋{n}")
    assert _queries(client, month) == few_month
    assert _queries(client, rooms) == few_rooms


def test_it_explains_every_symbol_in_words(clock: Any, client: Any, room: Any) -> None:
    page = client.get(reverse("booking:room", args=[room.pk])).content.decode()
    assert "表の記号の意味" in page
    for words in ("空き（予約できます）", "予約あり", "抽選の対象", "休館・利用できません"):
        assert words in page
    assert "○ 空き" in page


def test_it_shows_the_booking_panels_on_the_dashboards(
    clock: Any, as_user: Any, representative_a: Any, group_a: Any, center_staff: Any, room: Any
) -> None:
    services.booking_create(
        actor=representative_a, request=request(room, group_a, block(dt.date(2026, 5, 12)))
    )
    page = as_user(representative_a).get(reverse("portal:dashboard")).content.decode()
    assert "施設の予約" in page and reverse("booking:rooms") in page and "会議室A" in page
    staff_page = as_user(center_staff).get(reverse("portal:dashboard")).content.decode()
    assert reverse("booking:staff") in staff_page and "窓口で予約を受け付ける" in staff_page


def test_it_reads_each_calendar_cell_in_words(
    clock: Any, client: Any, representative_a: Any, group_a: Any
) -> None:
    """The month's rows and the search's cells (made in Python, kyodo/booking/tables.py):
    a taken slot, a free one with its link, a closed day with its reason, a past time, the
    free count per day, and a name with markup shown as text."""
    room = make_room(closed_weekdays=[1], name="<b>会議室</b>")
    services.booking_create(
        actor=representative_a, request=request(room, group_a, block(dt.date(2026, 5, 12)))
    )
    page = client.get(
        reverse("booking:room", args=[room.pk]) + "?view=month&day=2026-05-01"
    ).content.decode()
    assert '<th scope="row">5/12（火）</th>' in page
    assert "午後 13:00〜17:00：× 予約あり" in page
    assert "夜間 18:00〜21:30：○ 空き" in page
    book = reverse("booking:book", args=[room.pk])
    assert f'<a href="{book}?day=2026-05-12&amp;slot=evening">5/12 18:00から予約する</a>' in page
    assert "－ 定休日（月曜日）" in page  # 5/11 is a Monday
    # 5/1 at 10:00: the morning has begun, and a begun time cannot be booked (as the service says)
    assert "午前 09:00〜12:00：－ 終了" in page
    search = client.get(reverse("booking:rooms") + "?week=2026-05-11").content.decode()
    assert "&lt;b&gt;会議室&lt;/b&gt;" in search and "<b>会議室" not in search
    assert "<td>休館</td><td>空き 2</td><td>空き 3</td>" in search
    assert "定員20人" in search


def test_it_lists_a_renamed_facility_in_the_search_at_once(
    clock: Any, client: Any, db: None
) -> None:
    """The search's facility list is cached; a facility's save empties the cache."""
    room = make_room()
    url = reverse("booking:rooms")
    assert (
        f'<option value="{room.facility_id}">市民活動センター</option>'
        in client.get(url).content.decode()
    )
    room.facility.name = "第二センター"
    room.facility.save()
    page = client.get(url + f"?facility={room.facility_id}").content.decode()
    assert f'<option value="{room.facility_id}" selected>第二センター</option>' in page


def test_it_marks_closures_and_lottery_days_room_by_room(clock: Any, db: None) -> None:
    """Closures (of the facility, or of one room) and lottery periods come from one query;
    each room gets only its own."""
    from kyodo.booking import selectors
    from kyodo.booking.models import Closure, LotteryRound, Room
    from kyodo.booking.rules import at

    room = make_room()
    other = Room.objects.create(facility=room.facility, name="会議室B", capacity=10)
    Closure.objects.create(
        facility=room.facility,
        room=room,
        starts_on=dt.date(2026, 5, 20),
        ends_on=dt.date(2026, 5, 20),
        reason="空調の点検",
    )
    Closure.objects.create(
        facility=room.facility,
        starts_on=dt.date(2026, 5, 21),
        ends_on=dt.date(2026, 5, 21),
        reason="選挙の投票所",
    )
    lottery = LotteryRound.objects.create(
        title="抽選",
        first_day=dt.date(2026, 5, 22),
        last_day=dt.date(2026, 5, 22),
        entries_open_at=at(dt.date(2026, 4, 1), dt.time(0)),
        entries_close_at=at(dt.date(2026, 4, 10), dt.time(0)),
        confirm_by=at(dt.date(2026, 5, 10), dt.time(0)),
    )
    lottery.rooms.add(other)
    cal = selectors.calendar([room, other], dt.date(2026, 5, 20), 3)
    states = {
        name: [{c.state for c in day.cells} for day in cal[r.pk]]
        for name, r in (("room", room), ("other", other))
    }
    assert states["room"] == [{"closed"}, {"closed"}, {"free"}]
    assert states["other"] == [{"free"}, {"closed"}, {"lottery"}]
    assert cal[room.pk][0].closed == "臨時休館（空調の点検）"
    assert cal[other.pk][1].closed == "臨時休館（選挙の投票所）"
