"""The booking cycle's timed steps run by themselves, without cron.

`tick()` draws every lottery whose entries have closed and releases every win not confirmed
by its deadline (services.lottery_draw_due, lottery_release_due). Both look at what is due
*now*, not at what happened since the last run, so a tick that was missed (the workers were
stopped for a night) catches up at the next one, and a tick run twice, or by two workers at
once, does nothing the second time (each round is locked and checked again).

`booking_tick_task` is a django-tasks task that runs `tick()` and then queues its own next run
TICK_EVERY later (`run_after`, which django-tasks-db's workers honour). `schedule_tick()` starts
that chain: it queues a tick unless one is already waiting, holding a lock while it looks
(an advisory lock on PostgreSQL; on SQLite the transaction is IMMEDIATE), so however many
workers start at once there is one chain. `manage.py booking_tick --schedule` calls it; run it
when the workers start (`make serve` does; README, "Background workers").
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import connection, transaction
from django.utils import timezone
from django_tasks import task

from kyodo.booking import services

log = logging.getLogger(__name__)

TICK_EVERY = dt.timedelta(minutes=5)
# Any constant: the PostgreSQL advisory lock that makes looking-then-queueing one step.
_ADVISORY_KEY = 1_300_013


def tick(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Everything due now: lotteries to draw, wins to release."""
    now = now or timezone.now()
    return {
        "drawn": services.lottery_draw_due(now=now),
        "released": services.lottery_release_due(now=now),
    }


@task(queue_name="default")
def booking_tick_task() -> dict[str, int]:
    """One tick, then the next one queued (even when this one failed: the chain must not
    stop because one round had a problem; the failure is in this task's result)."""
    try:
        return tick()
    finally:
        schedule_tick(delay=TICK_EVERY)


def schedule_tick(*, delay: dt.timedelta = dt.timedelta(0)) -> bool:
    """Queue a tick `delay` from now unless one is already waiting; True if it queued one.
    With a backend that cannot defer (the immediate backend of the tests) nothing is queued:
    there, ticks are run by calling tick()."""
    backend = booking_tick_task.get_backend()
    if not backend.supports_defer:
        return False
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_KEY])
        waiting = DBTaskResult.objects.filter(
            task_path=booking_tick_task.module_path,
            status=TaskResultStatus.READY,
            backend_name=backend.alias,
        ).exists()
        if waiting:
            return False
        booking_tick_task.using(run_after=timezone.now() + delay).enqueue()
    log.info("booking tick queued to run after %s", delay)
    return True
