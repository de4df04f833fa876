"""The booking cycle's timed steps run by themselves: the tick is idempotent (a second run,
or one at the same moment as staff drawing, changes nothing), a missed tick catches up
everything due by the time it runs, and the tick task queues its own next run on the
database queue — one chain however many times it is started — which a real `db_worker`
runs when it is due."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from kyodo.audit.models import AuditEvent
from kyodo.booking import rules, services, tasks
from kyodo.booking.models import Booking, LotteryEntry
from kyodo.booking.rules import at
from kyodo.core.models import Delivery
from tests.booking.conftest import NOW
from tests.booking.test_it_runs_the_lottery import DAY, enter, make_round

DB_QUEUE = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "mail", "documents", "imports"],
    }
}
CLOSED = at(dt.date(2026, 5, 11), dt.time(9))  # entries closed at 5/11 00:00
DEADLINE_PASSED = at(dt.date(2026, 5, 18), dt.time(9))  # confirm_by 5/18 00:00


def _statuses() -> list[str]:
    return sorted(LotteryEntry.objects.values_list("status", flat=True))


def test_it_ticks_twice_with_the_effect_of_once(
    time_machine: Any,
    room: Any,
    representative_a: Any,
    group_a: Any,
    representative_b: Any,
    group_b: Any,
) -> None:
    time_machine.move_to(NOW, tick=False)
    lottery = make_round(room)
    enter(representative_a, lottery, room, group_a, DAY)
    enter(representative_b, lottery, room, group_b, DAY)  # the same slot: one wins
    assert tasks.tick() == {"drawn": 0, "released": 0}  # nothing due yet
    time_machine.move_to(CLOSED, tick=False)
    assert tasks.tick() == {"drawn": 1, "released": 0}
    after_draw = (_statuses(), Booking.objects.count())
    lottery.refresh_from_db()
    seed = lottery.seed
    assert tasks.tick() == {"drawn": 0, "released": 0}
    lottery.refresh_from_db()
    assert (_statuses(), Booking.objects.count()) == after_draw == (["lost", "won"], 1)
    assert lottery.seed == seed  # not drawn again
    time_machine.move_to(DEADLINE_PASSED, tick=False)
    assert tasks.tick() == {"drawn": 0, "released": 1}
    assert tasks.tick() == {"drawn": 0, "released": 0}
    assert _statuses() == ["lost", "released"]
    assert list(Booking.objects.values_list("status", flat=True)) == ["released"]
    # A round staff drew by hand before the tick came is left as it is.
    other = make_round(room, title="7月の抽選", entries_close_at=DEADLINE_PASSED)
    services.lottery_draw(actor=None, lottery=other, now=DEADLINE_PASSED)
    assert services.lottery_draw_due(now=DEADLINE_PASSED) == 0


def test_a_missed_tick_catches_up_everything_due(
    time_machine: Any,
    room: Any,
    representative_a: Any,
    group_a: Any,
    representative_b: Any,
    group_b: Any,
) -> None:
    """No tick ran for a week: the next one draws the round whose entries closed meanwhile
    and releases the wins of the round whose confirmation deadline passed meanwhile."""
    time_machine.move_to(NOW, tick=False)
    june = make_round(room)
    enter(representative_a, june, room, group_a, DAY)
    july = make_round(
        room,
        title="7月の抽選",
        first_day=dt.date(2026, 7, 1),
        last_day=dt.date(2026, 7, 31),
        entries_close_at=at(dt.date(2026, 5, 20), dt.time(0)),
        confirm_by=at(dt.date(2026, 5, 27), dt.time(0)),
    )
    enter(representative_b, july, room, group_b, dt.date(2026, 7, 7))
    time_machine.move_to(CLOSED, tick=False)
    assert tasks.tick() == {"drawn": 1, "released": 0}  # June drawn; then no tick for days
    time_machine.move_to(at(dt.date(2026, 5, 21), dt.time(9)), tick=False)
    assert tasks.tick() == {"drawn": 1, "released": 1}  # July drawn, June's win released
    june_entry = LotteryEntry.objects.get(round=june)
    july_entry = LotteryEntry.objects.get(round=july)
    assert (june_entry.status, july_entry.status) == ("released", "won")


def test_a_draw_that_comes_late_gives_the_winners_their_time_to_confirm(
    time_machine: Any,
    room: Any,
    representative_a: Any,
    group_a: Any,
) -> None:
    """The ticks were down from before the entries closed (5/11) until after the announced
    deadline (5/18): the tick that draws must not release the wins it has just made. The
    deadline moves on by as long as the draw was late; the winner is told the new one and
    can still confirm. The move stops at the start of the period (6/1)."""
    time_machine.move_to(NOW, tick=False)
    lottery = make_round(room)
    entry = enter(representative_a, lottery, room, group_a, DAY)
    back = at(dt.date(2026, 5, 19), dt.time(9))  # 8 days 9 hours after the entries closed
    time_machine.move_to(back, tick=False)
    assert tasks.tick() == {"drawn": 1, "released": 0}
    lottery.refresh_from_db()
    assert lottery.confirm_by == at(dt.date(2026, 5, 26), dt.time(9))
    event = AuditEvent.objects.get(action="booking.lottery_draw")
    assert [dt.datetime.fromisoformat(v) for v in event.changes["confirm_by"]] == [
        at(dt.date(2026, 5, 18), dt.time(0)),
        lottery.confirm_by,
    ]
    letters = Delivery.objects.filter(channel="mail", event__name="booking.lottery_result")
    assert letters and all("令和8年5月26日 09:00 までに" in m.body for m in letters)
    assert tasks.tick() == {"drawn": 0, "released": 0}
    services.lottery_confirm(actor=representative_a, entry=LotteryEntry.objects.get(pk=entry.pk))
    time_machine.move_to(at(dt.date(2026, 5, 27), dt.time(0)), tick=False)
    assert tasks.tick() == {"drawn": 0, "released": 0}
    assert _statuses() == ["confirmed"]


def test_the_deadline_moves_no_further_than_the_start_of_the_period(room: Any) -> None:
    lottery = make_round(room)
    planned = lottery.confirm_by
    assert rules.confirm_by_after_draw(lottery, lottery.entries_close_at) == planned
    assert (
        rules.confirm_by_after_draw(lottery, lottery.entries_close_at - dt.timedelta(hours=1))
        == planned
    )
    next_morning = lottery.entries_close_at + dt.timedelta(hours=9)  # within the grace
    assert rules.confirm_by_after_draw(lottery, next_morning) == planned
    two_days_late = lottery.entries_close_at + dt.timedelta(days=2)
    assert rules.confirm_by_after_draw(lottery, two_days_late) == planned + dt.timedelta(days=2)
    very_late = at(dt.date(2026, 5, 30), dt.time(0))  # 19 days late: 6/6, past 6/1
    assert rules.confirm_by_after_draw(lottery, very_late) == at(dt.date(2026, 6, 1), dt.time(0))
    # Drawn once the period has begun: its later days can still be confirmed, 7 days on.
    in_period = at(dt.date(2026, 6, 3), dt.time(0))
    assert rules.confirm_by_after_draw(lottery, in_period) == in_period + (
        planned - lottery.entries_close_at
    )


@override_settings(TASKS=DB_QUEUE)
def test_the_tick_task_queues_its_next_run_and_a_worker_runs_it(
    time_machine: Any, monkeypatch: Any, room: Any, representative_a: Any, group_a: Any
) -> None:
    # The worker closes connections between tasks as a request would; inside the test's
    # transaction on PostgreSQL that would close the test's own connection.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    time_machine.move_to(NOW, tick=False)
    lottery = make_round(room)
    enter(representative_a, lottery, room, group_a, DAY)
    path = tasks.booking_tick_task.module_path
    waiting = DBTaskResult.objects.filter(task_path=path, status="READY")

    # Started three times (three workers coming up): one tick waits.
    assert tasks.schedule_tick() is True
    assert tasks.schedule_tick() is False
    call_command("booking_tick", "--schedule")
    assert waiting.count() == 1

    def work() -> None:
        call_command(
            "db_worker", "--batch", "--queue-name", "default", "--interval", "0", "--no-reload"
        )

    work()  # runs the tick due now, which queues the next five minutes on
    done = DBTaskResult.objects.filter(task_path=path, status="SUCCESSFUL")
    assert done.count() == 1 and done.get().return_value == {"drawn": 0, "released": 0}
    assert list(waiting.values_list("run_after", flat=True)) == [NOW + tasks.TICK_EVERY]
    work()  # not due yet: nothing runs
    assert done.count() == 1

    # The workers were down while the entries closed; the waiting tick runs when they are
    # back, does what is due, and there is still exactly one tick waiting.
    time_machine.move_to(CLOSED, tick=False)
    work()
    assert done.count() == 2
    assert done.order_by("-finished_at").first().return_value == {"drawn": 1, "released": 0}
    assert list(waiting.values_list("run_after", flat=True)) == [CLOSED + tasks.TICK_EVERY]
    assert _statuses() == ["won"]
