"""Fiscal years (年度), Japanese era dates (和暦) and public holidays.

The era table is five rows of public fact (the Gengō Act and its proclamations); parsing
and formatting against it is small enough to own. Holidays come from the maintained
`holidays` package, which follows the Cabinet Office's list including substitute days.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache

import holidays

# (kanji, romaji initial, first day)
ERAS: list[tuple[str, str, dt.date]] = [
    ("令和", "R", dt.date(2019, 5, 1)),
    ("平成", "H", dt.date(1989, 1, 8)),
    ("昭和", "S", dt.date(1926, 12, 25)),
    ("大正", "T", dt.date(1912, 7, 30)),
    ("明治", "M", dt.date(1868, 1, 25)),
]
FISCAL_YEAR_START_MONTH = 4


def fiscal_year(day: dt.date) -> int:
    """The fiscal year (年度) a day belongs to, named by the calendar year it starts in."""
    return day.year if day.month >= FISCAL_YEAR_START_MONTH else day.year - 1


def fiscal_year_start(year: int) -> dt.date:
    return dt.date(year, FISCAL_YEAR_START_MONTH, 1)


def fiscal_year_end(year: int) -> dt.date:
    """31 March of the following calendar year."""
    return dt.date(year + 1, 3, 31)


def era_of(day: dt.date) -> tuple[str, int]:
    for name, _initial, start in ERAS:
        if day >= start:
            return name, day.year - start.year + 1
    raise ValueError("dates before 明治 are not supported")


def _year_label(number: int) -> str:
    return "元" if number == 1 else str(number)


def wareki_date(day: dt.date) -> str:
    """2025-04-01 → 令和7年4月1日."""
    era, number = era_of(day)
    return f"{era}{_year_label(number)}年{day.month}月{day.day}日"


def wareki_or_iso(day: dt.date) -> str:
    """和暦 where there is one; a date before Meiji (a typo, an old import) as 1800-01-01,
    so that any stored date can be shown without failing the page."""
    try:
        return wareki_date(day)
    except ValueError:
        return day.isoformat()


def wareki_datetime(value: dt.datetime) -> str:
    """令和8年6月15日 14:00, in Japan time (the project's time zone) when aware."""
    from django.utils import timezone

    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{wareki_or_iso(local.date())} {local:%H:%M}"


def wareki_fiscal_year(year: int) -> str:
    """2025 → 令和7年度. A fiscal year takes the newest era that began in its first calendar
    year: FY2019 is 令和元年度 (though it opened in 平成31年), FY1988 is 昭和63年度."""
    for era, _initial, start in ERAS:
        if start.year <= year:
            return f"{era}{_year_label(year - start.year + 1)}年度"
    raise ValueError("years before 明治 are not supported")


_WAREKI = re.compile(
    r"^(?P<era>明治|大正|昭和|平成|令和|[MTSHR])\s*\.?\s*(?P<year>元|\d{1,2})\s*[年./-]\s*"
    r"(?P<month>\d{1,2})\s*[月./-]\s*(?P<day>\d{1,2})\s*日?$",
    re.IGNORECASE,
)
_WESTERN = re.compile(
    r"^(?P<year>\d{4})\s*[年./-]\s*(?P<month>\d{1,2})\s*[月./-]\s*(?P<day>\d{1,2})\s*日?$"
)


def parse_date(text: str) -> dt.date:
    """Read a date as people type it: 2025-04-01, 2025/4/1, 2025年4月1日, 令和7年4月1日,
    令和元年5月1日, R7.4.1, full-width digits included. Raises ValueError otherwise."""
    value = unicodedata.normalize("NFKC", text).strip()
    match = _WESTERN.match(value)
    if match:
        return dt.date(int(match["year"]), int(match["month"]), int(match["day"]))
    match = _WAREKI.match(value)
    if not match:
        raise ValueError(text)
    era_token = match["era"].upper()
    era = next(e for e in ERAS if era_token in (e[0], e[1]))
    number = 1 if match["year"] == "元" else int(match["year"])
    if number < 1:
        raise ValueError(text)
    day = dt.date(era[2].year + number - 1, int(match["month"]), int(match["day"]))
    if day < era[2]:
        raise ValueError(text)
    following = ERAS[ERAS.index(era) - 1][2] if ERAS.index(era) > 0 else None
    if following and day >= following:
        raise ValueError(text)
    return day


@lru_cache(maxsize=32)
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("JP", years=year, language="ja")


def holiday_name(day: dt.date) -> str | None:
    return _holidays(day.year).get(day)


def is_holiday(day: dt.date) -> bool:
    return holiday_name(day) is not None


def years_between(start: dt.date, end: dt.date) -> int:
    """Whole years from start to end, as an age is counted: 2023-04-01 → 2026-03-31 is 2."""
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years
