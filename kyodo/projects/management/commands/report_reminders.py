"""Send the report reminders due today (or on --date): before the due date, on it, and
every N days while a report is overdue. Safe to run twice the same day: each reminder sent
is recorded and not sent again.

With --schedule it sends nothing itself but queues the daily reminder task
(kyodo.projects.tasks) unless one is already waiting; run it when the task workers start."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from kyodo.projects import reports, tasks


class Command(BaseCommand):
    help = "Send today's report reminders; --schedule: queue the daily task instead."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--schedule", action="store_true", help="queue the daily task")
        parser.add_argument("--date", help="the day to send for (YYYY-MM-DD; default today)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            queued = tasks.schedule_reminders()
            self.stdout.write(
                "report reminders queued" if queued else "already queued (or no queue)"
            )
            return
        day = dt.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        sent = reports.send_report_reminders(day)
        self.stdout.write(f"{day}: {sent} reminders sent")
