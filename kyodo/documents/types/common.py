"""Small helpers the document builders share (dates and yen come from kyodo.japan)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from kyodo.japan.calendar import wareki_date, wareki_fiscal_year
from kyodo.japan.numbers import format_yen

# Where a blank form leaves the date to be written by hand.
BLANK_DATE = "令和　　年　　月　　日"


def today() -> dt.date:
    return timezone.localdate()


def day(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return wareki_date(value)


def day_time(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{wareki_date(local.date())} {local.hour}時{local.minute:02d}分"


def yen(amount: int | None) -> str:
    return format_yen(amount)


def nendo(year: int | None) -> str:
    return wareki_fiscal_year(year) if year else ""


def city() -> str:
    return str(settings.KYODO_CITY_NAME)


def center() -> str:
    return str(settings.KYODO_CENTER_NAME)


def mayor() -> str:
    """The addressee of what groups submit: 鎌倉市長 様."""
    return f"{city()}長"


def safe_name(text: str) -> str:
    """A file-name part: no path separators or characters Windows refuses."""
    for ch in '\\/:*?"<>|\r\n\t':
        text = text.replace(ch, "_")
    return text.strip()[:80] or "_"
