"""Fixtures for the unit suite: a day to freeze the clock at (with time_machine)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")


def at_noon(day: dt.date) -> dt.datetime:
    """Noon in Kamakura on `day`: `time_machine.move_to(at_noon(day), tick=False)` freezes
    the date and the clock alike (timezone.now(), localdate(), date.today())."""
    return dt.datetime.combine(day, dt.time(12), tzinfo=TOKYO)
