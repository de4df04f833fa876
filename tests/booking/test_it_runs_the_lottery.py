"""The lottery cycle: entries with a per-group cap, registered groups first, a draw that
anyone can repeat from its stored seed, winners confirming before the deadline, unconfirmed
wins released to first-come booking (2次予約)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kyodo.booking import selectors, services
from kyodo.booking.models import Booking, Equipment, LotteryEntry, LotteryRound, Room
from kyodo.booking.rules import at
from kyodo.core.errors import DomainError
from kyodo.core.models import Delivery
from kyodo.japan.calendar import wareki_datetime
from kyodo.registry.models import GroupRole
from tests import factories
from tests.booking.conftest import NOW, block, make_room, request

DAY = dt.date(2026, 6, 9)


def make_round(room: Any, **overrides: Any) -> LotteryRound:
    values: dict[str, Any] = {
        "title": "6月の抽選",
        "first_day": dt.date(2026, 6, 1),
        "last_day": dt.date(2026, 6, 30),
        "entries_open_at": at(dt.date(2026, 5, 1), dt.time(0)),
        "entries_close_at": at(dt.date(2026, 5, 11), dt.time(0)),
        "confirm_by": at(dt.date(2026, 5, 18), dt.time(0)),
        "per_group_cap": 2,
    }
    values.update(overrides)
    lottery = LotteryRound.objects.create(**values)
    lottery.rooms.add(room)
    return lottery


def enter(
    actor: Any, lottery: Any, room: Any, group: Any, day: dt.date = DAY, name: str = "evening"
) -> LotteryEntry:
    return services.lottery_enter(
        actor=actor, lottery=lottery, request=request(room, group, block(day, name))
    )


def test_it_caps_the_entries_of_a_group(
    clock: Any, room: Any, representative_a: Any, group_a: Any
) -> None:
    lottery = make_round(room)
    enter(representative_a, lottery, room, group_a, DAY)
    enter(representative_a, lottery, room, group_a, DAY + dt.timedelta(days=7))
    with pytest.raises(DomainError, match="2件まで"):
        enter(representative_a, lottery, room, group_a, DAY + dt.timedelta(days=14))


def test_it_takes_entries_only_in_the_entry_period(
    time_machine: Any, room: Any, representative_a: Any, group_a: Any
) -> None:
    lottery = make_round(room)
    time_machine.move_to(at(dt.date(2026, 4, 30), dt.time(23, 59, 59)), tick=False)
    with pytest.raises(DomainError, match="申込期間ではありません"):
        enter(representative_a, lottery, room, group_a)
    time_machine.move_to(at(dt.date(2026, 5, 10), dt.time(23, 59, 59)), tick=False)
    assert enter(representative_a, lottery, room, group_a).tier == 1
    time_machine.move_to(at(dt.date(2026, 5, 11), dt.time(0)), tick=False)
    with pytest.raises(DomainError, match="申込期間ではありません"):
        enter(representative_a, lottery, room, group_a, DAY + dt.timedelta(days=1))


def test_it_keeps_first_come_booking_out_of_the_lottery_days_until_the_deadline(
    time_machine: Any, room: Any, representative_a: Any, group_a: Any
) -> None:
    time_machine.move_to(NOW, tick=False)
    make_round(room)
    with pytest.raises(DomainError, match="抽選"):
        services.booking_create(actor=representative_a, request=request(room, group_a, block(DAY)))
    time_machine.move_to(at(dt.date(2026, 5, 18), dt.time(0)), tick=False)
    assert services.booking_create(
        actor=representative_a, request=request(room, group_a, block(DAY))
    ).pk


def test_it_draws_registered_groups_first_and_can_be_replayed_from_its_seed(
    time_machine: Any, room: Any
) -> None:
    time_machine.move_to(NOW, tick=False)
    lottery = make_round(room)
    registered, lapsed = [], []
    for n in range(6):
        group = factories.CivicGroupFactory(registered=True, name=f"登録{n}", name_kana="とうろく")
        registered.append(
            enter(factories.member(group, GroupRole.REPRESENTATIVE), lottery, room, group)
        )
    old = factories.CivicGroupFactory(registered=True, name="失効する団体", name_kana="しっこう")
    rep = factories.member(old, GroupRole.REPRESENTATIVE)
    lapsed.append(enter(rep, lottery, room, old, DAY + dt.timedelta(days=1)))
    LotteryEntry.objects.filter(pk=lapsed[0].pk).update(tier=2)
    time_machine.move_to(at(dt.date(2026, 5, 11), dt.time(0, 1)), tick=False)
    drawn = services.lottery_draw(actor=None, lottery=lottery)
    assert drawn.seed and drawn.drawn_at
    statuses = dict(LotteryEntry.objects.values_list("pk", "status"))
    winners = [e for e in registered if statuses[e.pk] == "won"]
    assert len(winners) == 1  # six entries for one evening: one wins
    assert statuses[lapsed[0].pk] == "won"  # a different day: nobody else wanted it
    assert [row["tier"] for row in drawn.draw_log] == sorted(row["tier"] for row in drawn.draw_log)
    replay = services.lottery_replay(drawn)
    assert [(r["entry"], r["number"]) for r in replay] == [
        (r["entry"], r["number"]) for r in drawn.draw_log
    ]
    held = Booking.objects.get(lottery_entry__pk=winners[0].pk)
    assert held.status == "held" and held.channel == "lottery"
    with pytest.raises(DomainError, match="すでに"):
        services.lottery_draw(actor=None, lottery=drawn)


def test_it_confirms_until_the_deadline_and_then_releases_to_first_come(
    time_machine: Any,
    room: Any,
    representative_a: Any,
    group_a: Any,
    representative_b: Any,
    group_b: Any,
) -> None:
    time_machine.move_to(NOW, tick=False)
    lottery = make_round(room)
    confirmed = enter(representative_a, lottery, room, group_a, DAY)
    unconfirmed = enter(representative_b, lottery, room, group_b, DAY + dt.timedelta(days=7))
    time_machine.move_to(at(dt.date(2026, 5, 11), dt.time(9)), tick=False)
    services.lottery_draw_due()
    time_machine.move_to(at(dt.date(2026, 5, 17), dt.time(23, 59, 59)), tick=False)
    confirmed.refresh_from_db()
    services.lottery_confirm(actor=representative_a, entry=confirmed)
    assert confirmed.status == "confirmed"
    assert Booking.objects.get(pk=confirmed.booking_id).status == "confirmed"
    time_machine.move_to(at(dt.date(2026, 5, 18), dt.time(0)), tick=False)
    unconfirmed.refresh_from_db()
    with pytest.raises(DomainError, match="期限を過ぎました"):
        services.lottery_confirm(actor=representative_b, entry=unconfirmed)
    assert services.lottery_release_due() == 1
    unconfirmed.refresh_from_db()
    assert unconfirmed.status == "released"
    assert Booking.objects.get(pk=unconfirmed.booking_id).status == "released"
    freed = list(selectors.freed_slots())
    assert [(f.room_id, f.starts_at) for f in freed] == [(room.pk, unconfirmed.starts_at)]
    # 2次予約: first come, now that the deadline has passed.
    second = services.booking_create(
        actor=representative_a,
        request=request(room, group_a, (unconfirmed.starts_at, unconfirmed.ends_at)),
    )
    assert second.status == "confirmed"
    assert list(selectors.freed_slots()) == []


def test_staff_confirm_at_the_window_a_win_whose_group_lapsed_after_entering(
    time_machine: Any, as_user: Any, room: Any, center_staff: Any
) -> None:
    """The group entered while registered; its registration lapsed before it could confirm.
    Its members may no longer act for it online, so the center confirms at the window: the
    confirm button's view and the workflow's rule are the same predicate."""
    time_machine.move_to(NOW, tick=False)
    lottery = make_round(room)
    group = factories.CivicGroupFactory(registered=True, name="失効した団体", name_kana="しっこう")
    rep = factories.member(group, GroupRole.REPRESENTATIVE)
    entry = enter(rep, lottery, room, group)
    time_machine.move_to(at(dt.date(2026, 5, 11), dt.time(0, 1)), tick=False)
    services.lottery_draw(actor=None, lottery=lottery)
    group.registered_until = dt.date(2026, 5, 10)
    group.save(update_fields=["registered_until"])
    entry.refresh_from_db()
    assert entry.status == "won"
    with pytest.raises(PermissionDenied):
        services.lottery_confirm(actor=rep, entry=entry)
    staff = as_user(center_staff)
    page = staff.get(reverse("booking:lottery", args=[lottery.pk])).content.decode()
    url = reverse("booking:lottery_confirm", args=[entry.pk])
    assert "すべての申込" in page and "失効した団体" in page and f'action="{url}"' in page
    assert staff.post(url).status_code == 302
    # Its members still see the result on the same page, under their own heading.
    mine = as_user(rep).get(reverse("booking:lottery", args=[lottery.pk])).content.decode()
    assert "あなたの団体の申込" in mine and "失効した団体" in mine
    entry.refresh_from_db()
    assert entry.status == "confirmed"
    assert Booking.objects.get(pk=entry.booking_id).status == "confirmed"


def test_a_winner_gets_the_equipment_it_asked_for_while_stock_lasts(
    time_machine: Any,
    as_user: Any,
    room: Any,
    representative_a: Any,
    group_a: Any,
    representative_b: Any,
    group_b: Any,
) -> None:
    """One projector, two rooms of the centre, two entries at the same evening asking for
    it: both win their rooms; the first drawn borrows it, the other is told it cannot be
    lent. An entry on another day gets it too. Another facility's items are refused."""
    time_machine.move_to(NOW, tick=False)
    other_room = Room.objects.create(
        facility=room.facility, name="会議室B", capacity=20, mode="blocks", advance_days=60
    )
    projector = Equipment.objects.create(facility=room.facility, name="プロジェクター", quantity=1)
    lottery = make_round(room, per_group_cap=5)
    lottery.rooms.add(other_room)
    # The entry page offers the facility's items; what is ticked is kept with the entry.
    entry_url = reverse("booking:lottery_enter", args=[lottery.pk, room.pk])
    page = as_user(representative_a).get(entry_url).content.decode()
    assert "借りる備品" in page and "プロジェクター" in page
    posted = as_user(representative_a).post(
        entry_url,
        {
            "group": group_a.pk,
            "day": "令和8年6月16日",
            "slot": "morning",
            "attendees": "１２",
            "purpose": "総会",
            "equipment": [projector.pk],
        },
    )
    assert posted.status_code == 302
    by_page = LotteryEntry.objects.get(round=lottery, purpose="総会")
    assert list(by_page.equipment.all()) == [projector] and by_page.attendees == 12
    first = services.lottery_enter(
        actor=representative_a,
        lottery=lottery,
        request=request(room, group_a, block(DAY, "evening")),
        equipment=[projector],
    )
    second = services.lottery_enter(
        actor=representative_b,
        lottery=lottery,
        request=request(other_room, group_b, block(DAY, "evening")),
        equipment=[projector],
    )
    later = services.lottery_enter(
        actor=representative_b,
        lottery=lottery,
        request=request(other_room, group_b, block(DAY + dt.timedelta(days=1), "evening")),
        equipment=[projector],
    )
    assert list(first.equipment.all()) == [projector]
    elsewhere = make_room(name="別の施設の部屋")
    theirs = Equipment.objects.create(facility=elsewhere.facility, name="印刷機", quantity=5)
    with pytest.raises(DomainError, match="貸し出していない備品"):
        services.lottery_enter(
            actor=representative_a,
            lottery=lottery,
            request=request(room, group_a, block(DAY + dt.timedelta(days=2))),
            equipment=[theirs],
        )

    time_machine.move_to(at(dt.date(2026, 5, 11), dt.time(0, 1)), tick=False)
    drawn = services.lottery_draw(actor=None, lottery=lottery)
    entries = {e.pk: e for e in LotteryEntry.objects.select_related("booking")}
    assert {e.status for e in entries.values()} == {"won"}
    lent = {
        pk: list(e.booking.equipment.all()) for pk, e in entries.items() if e.booking is not None
    }
    assert lent[later.pk] == [projector]
    order = [row["entry"] for row in drawn.draw_log if row["entry"] in (first.pk, second.pk)]
    winner, loser = order
    assert (lent[winner], lent[loser]) == ([projector], [])
    [log] = [row for row in drawn.draw_log if row["entry"] == loser]
    assert log["equipment_not_lent"] == ["プロジェクター"]
    loser_group = entries[loser].group
    letters = Delivery.objects.filter(
        channel="mail",
        event__name="booking.lottery_result",
        body__contains=f"{loser_group.name} 様",
        body__regex=r"会議室[AB]",
    ).filter(body__contains=wareki_datetime(entries[loser].starts_at))  # its own letters
    assert letters and all("貸し出せません：プロジェクター" in m.body for m in letters)
    # The group's lottery page says which item could not be lent.
    rep = representative_a if loser_group == group_a else representative_b
    mine = as_user(rep).get(reverse("booking:lottery", args=[lottery.pk])).content.decode()
    assert "希望する備品：プロジェクター（貸出できません）" in mine
