"""Japanese helpers: 和暦, 年度, dates and amounts as people type them, postal codes, holidays."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms

from kyodo.japan.calendar import (
    fiscal_year,
    fiscal_year_end,
    fiscal_year_start,
    holiday_name,
    is_holiday,
    parse_date,
    wareki_date,
    wareki_fiscal_year,
    years_between,
)
from kyodo.japan.forms import JapaneseDateField, JapaneseTimeField, PostalCodeField, YenField
from kyodo.japan.numbers import format_yen, parse_int, parse_yen
from kyodo.japan.postal import lookup_address, normalize_postal_code

D = dt.date


@pytest.mark.parametrize(
    ("year", "label"),
    [
        (2019, "令和元年度"),
        (2025, "令和7年度"),
        (1988, "昭和63年度"),
        (1989, "平成元年度"),
        (2018, "平成30年度"),
    ],
)
def test_it_names_fiscal_years_by_the_era_of_their_first_calendar_year(
    year: int, label: str
) -> None:
    assert wareki_fiscal_year(year) == label


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (D(2019, 4, 30), "平成31年4月30日"),
        (D(2019, 5, 1), "令和元年5月1日"),
        (D(2025, 4, 1), "令和7年4月1日"),
        (D(1989, 1, 7), "昭和64年1月7日"),
        (D(1989, 1, 8), "平成元年1月8日"),
    ],
)
def test_it_writes_dates_in_the_era_in_force_that_day(day: dt.date, label: str) -> None:
    assert wareki_date(day) == label


def test_it_counts_the_fiscal_year_from_april_to_march() -> None:
    assert fiscal_year(D(2026, 3, 31)) == 2025
    assert fiscal_year(D(2026, 4, 1)) == 2026
    assert fiscal_year_start(2025) == D(2025, 4, 1)
    assert fiscal_year_end(2025) == D(2026, 3, 31)


def test_it_counts_whole_years_like_an_age() -> None:
    assert years_between(D(2023, 4, 1), D(2026, 3, 31)) == 2
    assert years_between(D(2023, 4, 1), D(2026, 4, 1)) == 3


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2025-04-01", D(2025, 4, 1)),
        ("2025/4/1", D(2025, 4, 1)),
        ("2025年4月1日", D(2025, 4, 1)),
        ("２０２５年４月１日", D(2025, 4, 1)),
        ("２０２５－０４－０１", D(2025, 4, 1)),
        ("令和7年4月1日", D(2025, 4, 1)),
        ("令和７年４月１日", D(2025, 4, 1)),
        ("令和元年5月1日", D(2019, 5, 1)),
        ("平成31年4月30日", D(2019, 4, 30)),
        ("R7.4.1", D(2025, 4, 1)),
        ("r7.4.1", D(2025, 4, 1)),
        ("Ｒ７．４．１", D(2025, 4, 1)),
        ("H31/4/30", D(2019, 4, 30)),
        ("S64.1.7", D(1989, 1, 7)),
    ],
)
def test_it_reads_dates_as_people_type_them(text: str, day: dt.date) -> None:
    assert parse_date(text) == day


@pytest.mark.parametrize(
    "text",
    [
        "",
        "あした",
        "2025-02-30",  # no such day
        "2025-13-01",
        "平成31年5月1日",  # 平成 had ended: that day is 令和元年
        "昭和64年1月8日",
        "令和0年1月1日",
        "明治1年1月1日",  # before 明治 began on 1868-01-25
        "X7.4.1",
    ],
)
def test_it_refuses_dates_that_do_not_exist(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


def test_it_shows_a_japanese_message_for_a_bad_date_in_a_form() -> None:
    field = JapaneseDateField()
    assert field.clean("R7.4.1") == D(2025, 4, 1)
    with pytest.raises(forms.ValidationError) as exc:
        field.clean("2025-02-30")
    assert "令和7年4月1日" in exc.value.messages[0]


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("５０万円", 500_000),
        ("500,000", 500_000),
        ("500000円", 500_000),
        ("50万", 500_000),
        ("1万5000円", 15_000),
        ("１，０００円", 1_000),
        ("¥1,000", 1_000),
        ("1.5万", 15_000),
        ("0", 0),
    ],
)
def test_it_reads_yen_as_people_type_them(text: str, amount: int) -> None:
    assert parse_yen(text) == amount


@pytest.mark.parametrize(
    "text", ["", "円", "万", "abc", "五十万円", "5万円円", "1.23456万", "1,0,0", "50,00", "12.5"]
)
def test_it_refuses_amounts_it_cannot_read_for_certain(text: str) -> None:
    with pytest.raises(ValueError):
        parse_yen(text)


def test_it_explains_a_bad_amount_in_japanese() -> None:
    with pytest.raises(forms.ValidationError) as exc:
        YenField().clean("たくさん")
    assert "50万円" in exc.value.messages[0]


def test_it_reads_integers_with_full_width_digits_and_separators() -> None:
    assert parse_int("１２") == 12
    assert parse_int("1,234") == 1234
    for bad in ("", "1.5", "十二", "1,2,3,4"):
        with pytest.raises(ValueError):
            parse_int(bad)


@pytest.mark.parametrize(
    ("text", "time"),
    [
        ("13:30", dt.time(13, 30)),
        ("１３：３０", dt.time(13, 30)),
        ("１４時", dt.time(14, 0)),
        ("9時5分", dt.time(9, 5)),
        ("1330", dt.time(13, 30)),
        ("０９:００", dt.time(9, 0)),
    ],
)
def test_it_reads_times_of_day_as_people_type_them(text: str, time: dt.time) -> None:
    assert JapaneseTimeField().clean(text) == time


@pytest.mark.parametrize("text", ["25:00", "13:60", "午後", "99999999999999999999"])
def test_it_refuses_times_that_do_not_exist_in_japanese(text: str) -> None:
    with pytest.raises(forms.ValidationError) as refused:
        JapaneseTimeField().clean(text)
    assert refused.value.messages == ["時刻は「13:00」のように入力してください。"]


def test_it_formats_yen_with_separators() -> None:
    assert format_yen(1_234_567) == "1,234,567円"
    assert format_yen(0) == "0円"
    assert format_yen(None) == ""


@pytest.mark.parametrize(
    "text", ["248-0006", "2480006", "２４８ー０００６", "〒248-0006", "２４８－０００６"]
)
def test_it_normalises_postal_codes(text: str) -> None:
    assert normalize_postal_code(text) == "248-0006"


@pytest.mark.parametrize("text", ["", "248-006", "24800067", "abc-defg"])
def test_it_refuses_postal_codes_that_are_not_seven_digits(text: str) -> None:
    with pytest.raises(ValueError):
        normalize_postal_code(text)
    if text:
        with pytest.raises(forms.ValidationError) as exc:
            PostalCodeField().clean(text)
        assert "7桁" in exc.value.messages[0]


def test_it_looks_up_the_address_of_a_postal_code() -> None:
    assert lookup_address("248-0006") == "神奈川県鎌倉市小町"
    assert lookup_address("２４８０００６") == "神奈川県鎌倉市小町"
    assert lookup_address("000-0000") is None
    assert lookup_address("not a code") is None


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (D(2026, 1, 1), "元日"),
        (D(2026, 5, 6), "振替休日"),  # 憲法記念日 fell on a Sunday
        (D(2026, 9, 22), "国民の休日"),  # between 敬老の日 and 秋分の日
        (D(2026, 9, 23), "秋分の日"),
    ],
)
def test_it_knows_public_holidays_including_substitute_days(day: dt.date, name: str) -> None:
    assert holiday_name(day) == name
    assert is_holiday(day)


def test_it_knows_an_ordinary_weekday_is_not_a_holiday() -> None:
    assert holiday_name(D(2026, 5, 7)) is None
    assert not is_holiday(D(2026, 5, 7))


def test_it_shows_a_moment_as_a_japanese_date_and_time_in_japan_time() -> None:
    from django.utils import timezone

    from kyodo.japan.templatetags.japan import wareki_time

    moment = timezone.make_aware(dt.datetime(2026, 6, 15, 5, 0), dt.UTC)  # 14:00 in Tokyo
    assert wareki_time(moment) == "令和8年6月15日 14:00"
    assert wareki_time(None) == ""


@pytest.mark.parametrize("stored", ["カマクラ ウミ", "かまくら うみ", "ｶﾏｸﾗ ｳﾐ"])
def test_it_shows_a_reading_in_one_script_whatever_it_was_stored_in(stored: str) -> None:
    from kyodo.japan.templatetags.japan import furigana

    assert furigana(stored) == "かまくら うみ"
