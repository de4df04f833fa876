"""One shape for a questionnaire's answers, whatever the channel: {question code: value}.

- single / scale / multiple: a list of option numbers, ascending (the questionnaire's order:
  the "first k" of an "up to k" question are the first k in that order); the text written
  beside an "other (please say)" option under "<code>__other";
- number: a Decimal as text; date: ISO text; free text: the text.

A missing code or an empty value is a blank answer (無回答). The web form, the paper-keying
screen and the file import all produce this shape, and `parse_typed` reads what staff type
(「1 3」「１、３」, 和暦 dates, full-width digits).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from kyodo.japan.calendar import parse_date
from kyodo.japan.text import clean_text, nfkc
from kyodo.surveys.models import CHOICE_KINDS, Kind, Question

Values = dict[str, Any]
_SEPARATORS = re.compile(r"[\s,、，;；・/]+")
MAX_TEXT = 4000


def other_key(question: Question) -> str:
    return f"{question.code}__other"


def parse_typed(question: Question, raw: str) -> Any:
    """What staff typed for one question (keying or a file cell) → the value, or None for
    a blank. Raises ValueError with a message for the person."""
    text = nfkc(clean_text(raw or "")).strip()
    if not text:
        return None
    if question.kind in CHOICE_KINDS:
        numbers = []
        for part in _SEPARATORS.split(text):
            if not part:
                continue
            if not part.isdigit() or len(part) > 3:
                raise ValueError(
                    _("選択肢の番号を数字で入力してください（複数は空白か「,」で区切る）。")
                )
            numbers.append(int(part))
        return check_choices(question, numbers)
    if question.kind == Kind.NUMBER:
        try:
            number = Decimal(text.replace(",", ""))
        except InvalidOperation as exc:
            raise ValueError(_("数値で入力してください。")) from exc
        if not number.is_finite() or abs(number) >= Decimal("1e12"):
            raise ValueError(_("数値が大きすぎます。"))
        return str(number.quantize(Decimal("0.01")).normalize())
    if question.kind == Kind.DATE:
        try:
            return parse_date(text).isoformat()
        except ValueError as exc:
            raise ValueError(
                _("日付を「2025-04-01」または「令和7年4月1日」の形で入力してください。")
            ) from exc
    value = clean_text(raw).strip()
    if len(value) > MAX_TEXT:
        raise ValueError(_("%(n)d文字以内で入力してください。") % {"n": MAX_TEXT})
    return value


def check_choices(question: Question, numbers: list[int]) -> list[int]:
    valid = sorted(o.number for o in question.options.all())
    if not valid:
        raise ValueError(_("この設問には選択肢がありません。"))
    for number in numbers:
        if number not in valid:
            raise ValueError(
                _("選択肢の番号は%(low)d〜%(high)dです。") % {"low": valid[0], "high": valid[-1]}
            )
    unique = sorted(set(numbers))
    if question.kind != Kind.MULTIPLE and len(unique) > 1:
        raise ValueError(_("この設問はひとつだけ選びます。"))
    return unique


def as_typed(question: Question, value: Any) -> str:
    """The value as staff would type it (for the mismatch list and the keying screen)."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, list):
        return " ".join(str(n) for n in value)
    return str(value)


def decimal_or_none(value: Any) -> Decimal | None:
    return Decimal(value) if value not in (None, "") else None


def date_or_none(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None
