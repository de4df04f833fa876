"""Run the booking cycle's timed steps: draw lotteries whose entries have closed, and
release wins not confirmed by their deadline (their slots go to 2次予約). Safe to run twice,
or at the same time as the workers' tick (each step locks and checks).

With --schedule it runs nothing itself but makes sure the steps run by themselves: it queues
the self-repeating tick task (kyodo.booking.tasks) unless one is already waiting. Run it when
the task workers start (`make serve` does; see README, "Background workers"); no cron."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from kyodo.booking import tasks


class Command(BaseCommand):
    help = (
        "Draw due lotteries and release unconfirmed wins; --schedule: queue the "
        "self-repeating tick for the task workers instead."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--schedule",
            action="store_true",
            help=f"queue the tick task (every {tasks.TICK_EVERY.total_seconds() // 60:.0f} "
            "minutes) unless one is waiting",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["schedule"]:
            queued = tasks.schedule_tick()
            self.stdout.write(
                "booking tick queued" if queued else "booking tick already queued (or no queue)"
            )
            return
        done = tasks.tick()
        self.stdout.write(f"drawn {done['drawn']}, released {done['released']}")
