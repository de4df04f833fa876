"""Form fields that accept Japanese input as people type it and say clearly what is wrong."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kyodo.japan.calendar import parse_date, wareki_or_iso
from kyodo.japan.numbers import parse_int, parse_yen
from kyodo.japan.postal import normalize_postal_code
from kyodo.japan.text import clean_text, is_kana_reading, nfkc, normalize_reading


class CleanCharField(forms.CharField):
    """A CharField that drops control and bidi-override characters."""

    def to_python(self, value: Any) -> str | None:
        result = super().to_python(value)  # None when the field's empty_value is None
        return clean_text(result) if result else result


# Without a range of its own, a date field takes what any record of Kyodo can mean: from the
# Meiji era (the oldest 和暦 Kyodo writes) to two centuries ahead.
EARLIEST_DATE = dt.date(1868, 10, 23)
LATEST_DATE = dt.date(2199, 12, 31)


class JapaneseDateField(forms.DateField):
    """Accepts 2025-04-01, 2025/4/1, 2025年4月1日, 令和7年4月1日 and R7.4.1, within
    `earliest`…`latest` (a sensible range for what the date means)."""

    default_error_messages = {
        "invalid": _("日付を「2025-04-01」または「令和7年4月1日」の形で入力してください。"),
    }

    def __init__(
        self,
        *,
        earliest: dt.date | None = None,
        latest: dt.date | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.earliest = earliest or EARLIEST_DATE
        self.latest = latest or LATEST_DATE

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is None:
            return
        if value < self.earliest:
            raise forms.ValidationError(
                _("%(date)s より前の日付は入力できません。")
                % {"date": wareki_or_iso(self.earliest)},
                code="too_early",
            )
        if value > self.latest:
            raise forms.ValidationError(
                _("%(date)s より後の日付は入力できません。") % {"date": wareki_or_iso(self.latest)},
                code="too_late",
            )

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return value
        try:
            return parse_date(str(value))
        except ValueError as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc


# Counts and amounts are never negative unless a field says so, and never larger than the
# database's integer columns hold: a 20-digit number gets a message, not a 500.
LARGEST_NUMBER = 2_000_000_000


TIME_PATTERN = re.compile(r"^(\d{1,2})(?:[:：時]\s*(\d{1,2})?\s*分?)?$|^(\d{2})(\d{2})$")


class JapaneseTimeField(forms.TimeField):
    """A time of day typed as 13:00, １３：００, 13時, 13時30分 or 1330."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "13:00"})
    default_error_messages = {
        "invalid": _("時刻は「13:00」のように入力してください。"),
    }

    def to_python(self, value: Any) -> dt.time | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.time):
            return value
        text = nfkc(str(value)).strip().replace(" ", "")
        match = TIME_PATTERN.match(text)
        if match:
            hour = match.group(1) or match.group(3)
            minute = match.group(2) or match.group(4) or "0"
            try:
                return dt.time(int(hour), int(minute))
            except ValueError:
                pass
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")


class _BoundedNumber(forms.IntegerField):
    def __init__(self, *, min_value: int | None = 0, max_value: int | None = None, **kwargs: Any):
        super().__init__(
            min_value=min_value,
            max_value=LARGEST_NUMBER if max_value is None else max_value,
            **kwargs,
        )


class LooseIntegerField(_BoundedNumber):
    """An integer field that accepts full-width digits and thousands separators."""

    widget = forms.TextInput(attrs={"inputmode": "numeric"})

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        try:
            return parse_int(str(value))
        except ValueError as exc:
            raise forms.ValidationError(
                _("半角または全角の数字で入力してください。"), code="invalid"
            ) from exc


class YenField(_BoundedNumber):
    """Yen typed as 500,000 / 500000円 / ５０万円 / 50万 / ３千円."""

    widget = forms.TextInput(attrs={"inputmode": "numeric"})

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        try:
            return parse_yen(str(value))
        except ValueError as exc:
            raise forms.ValidationError(
                _("金額は「500,000」「500000円」「50万円」のように入力してください。"),
                code="invalid",
            ) from exc


class PostalCodeField(forms.CharField):
    def __init__(self, **kwargs: Any):
        kwargs.setdefault("max_length", 10)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("autocomplete", "postal-code")
        self.widget.attrs.setdefault("inputmode", "numeric")

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if not value:
            return value
        try:
            return normalize_postal_code(value)
        except ValueError as exc:
            raise forms.ValidationError(
                _("郵便番号は7桁の数字で入力してください（例：248-0006）。")
            ) from exc


class KanaReadingField(CleanCharField):
    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if not value:
            return value
        if not is_kana_reading(value):
            raise forms.ValidationError(_("ふりがなは、ひらがなまたはカタカナで入力してください。"))
        return normalize_reading(value)
