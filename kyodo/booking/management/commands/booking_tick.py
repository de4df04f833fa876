"""Run the booking cycle's timed steps: draw lotteries whose entries have closed, and
release wins not confirmed by their deadline (their slots go to 2次予約). Run it from cron
every few minutes; it is safe to run twice (each step locks and checks)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kyodo.booking import services


class Command(BaseCommand):
    help = "Draw due lotteries and release unconfirmed wins."

    def handle(self, *args: Any, **options: Any) -> None:
        drawn = services.lottery_draw_due()
        released = services.lottery_release_due()
        self.stdout.write(f"drawn {drawn}, released {released}")
