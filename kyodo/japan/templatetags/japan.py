import datetime as dt

from django import template

from kyodo.japan import calendar
from kyodo.japan.numbers import format_yen

register = template.Library()


@register.filter
def wareki(value: dt.date | dt.datetime | None) -> str:
    """{{ day|wareki }} → 令和7年4月1日"""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return calendar.wareki_or_iso(value)


@register.filter
def wareki_time(value: dt.datetime | None) -> str:
    """{{ moment|wareki_time }} → 令和8年6月15日 14:00 (Japan time)"""
    return calendar.wareki_datetime(value) if value else ""


@register.filter
def nendo(value: int | dt.date | None) -> str:
    """{{ 2025|nendo }} or {{ day|nendo }} → 令和7年度"""
    if value in (None, ""):
        return ""
    year = calendar.fiscal_year(value) if isinstance(value, dt.date) else int(value)
    try:
        return calendar.wareki_fiscal_year(year)
    except ValueError:  # before Meiji: show the Western year rather than fail the page
        return f"{year}年度"


@register.filter
def furigana(value: str | None) -> str:
    """{{ group.name_kana|furigana }} → ひらがな: readings are shown in one script, the one the
    forms ask for (ふりがな), whatever script they were typed or imported in."""
    if not value:
        return ""
    import jaconv

    from kyodo.japan.text import nfkc

    return str(jaconv.kata2hira(nfkc(value)))


@register.filter
def yen(value: int | None) -> str:
    return format_yen(value)


@register.filter
def signed_yen(value: int | None) -> str:
    """A difference of yen with its sign in words' place: ＋5,000円, −5,000円, 0円."""
    if value is None:
        return format_yen(value)
    if value == 0:
        return format_yen(0)
    return ("＋" if value > 0 else "−") + format_yen(abs(value))
