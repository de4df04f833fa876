"""The daily report reminders run by themselves, without cron (as kyodo.booking.tasks runs
its tick).

`report_reminders_task` sends the reminders due today (kyodo.projects.reports
.send_report_reminders, which records each one, so a second run the same day sends nothing)
and then queues its own next run for the next morning. `schedule_reminders()` starts that
chain unless a run is already waiting, holding a lock while it looks, so however many
workers start there is one chain. `manage.py report_reminders --schedule` calls it.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import connection, transaction
from django.utils import timezone
from django_tasks import task

from kyodo.projects.reports import send_report_reminders

log = logging.getLogger(__name__)

RUN_AT = dt.time(8, 0)  # local time: reminders arrive in the morning
_ADVISORY_KEY = 1_300_017


def next_run(now: dt.datetime | None = None) -> dt.datetime:
    """The next RUN_AT, local time, strictly after `now`."""
    now = timezone.localtime(now or timezone.now())
    at = now.replace(hour=RUN_AT.hour, minute=RUN_AT.minute, second=0, microsecond=0)
    return at if at > now else at + dt.timedelta(days=1)


@task(queue_name="default")
def report_reminders_task() -> int:
    """Today's reminders, then tomorrow's run queued (even when today's failed)."""
    try:
        return send_report_reminders(timezone.localdate())
    finally:
        schedule_reminders(run_after=next_run())


def schedule_reminders(*, run_after: dt.datetime | None = None) -> bool:
    """Queue a run at `run_after` (now when None) unless one is already waiting; True if it
    queued one. With a backend that cannot defer (the tests') nothing is queued."""
    backend = report_reminders_task.get_backend()
    if not backend.supports_defer:
        return False
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_KEY])
        waiting = DBTaskResult.objects.filter(
            task_path=report_reminders_task.module_path,
            status=TaskResultStatus.READY,
            backend_name=backend.alias,
        ).exists()
        if waiting:
            return False
        report_reminders_task.using(run_after=run_after or timezone.now()).enqueue()
    log.info("report reminders queued to run after %s", run_after)
    return True
