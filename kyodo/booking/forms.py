"""The booking screens' forms. Groups and staff at the window use the same BookingForm;
staff also see who the booking is for and how it came in (窓口・電話)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kyodo.booking import rules
from kyodo.booking.models import (
    BookingMode,
    Channel,
    Equipment,
    Facility,
    Payment,
    Room,
    Series,
    WhoMayBook,
)
from kyodo.core import moves
from kyodo.japan.forms import (
    CleanCharField,
    JapaneseDateField,
    JapaneseTimeField,
    LooseIntegerField,
    YenField,
)
from kyodo.japan.text import nfkc
from kyodo.registry.models import CivicGroup


class _Fields:
    fields: dict[str, forms.Field]

    def _choices_field(self, name: str) -> forms.ModelChoiceField[Any]:
        return cast(forms.ModelChoiceField, self.fields[name])  # type: ignore[type-arg]

    def _choice_field(self, name: str) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields[name])


def _int(
    label: Any, *, minimum: int = 0, maximum: int = 100_000, **kwargs: Any
) -> LooseIntegerField:
    return LooseIntegerField(label=label, min_value=minimum, max_value=maximum, **kwargs)


class WhenFields(_Fields, forms.Form):
    """The day and the time, shaped by the room's booking mode."""

    day = JapaneseDateField(label=_("利用日"), help_text=_("例：2026-05-12 または 令和8年5月12日"))
    slot = forms.ChoiceField(label=_("時間帯"), choices=[])
    start_time = JapaneseTimeField(label=_("開始時刻"))
    end_time = JapaneseTimeField(label=_("終了時刻"))

    def __init__(self, *args: Any, room: Room, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.room = room
        if room.mode == BookingMode.BLOCKS:
            del self.fields["start_time"], self.fields["end_time"]
            self._choice_field("slot").choices = [
                (b.key, f"{b.label}（{b.start:%H:%M}〜{b.end:%H:%M}）")
                for b in rules.BLOCKS
                if b.start >= room.facility.opens_at and b.end <= room.facility.closes_at
            ]
        else:
            del self.fields["slot"]
            step = (
                _("1時間単位（例 13:00〜15:00）")
                if room.mode == BookingMode.HOURLY
                else _("15分単位、%(min)s〜%(max)s分")
                % {"min": room.min_minutes, "max": room.max_minutes}
            )
            self.fields["start_time"].help_text = step

    def times(self) -> tuple[dt.datetime, dt.datetime]:
        data = self.cleaned_data
        day = data["day"]
        if "slot" in self.fields:
            block = next(b for b in rules.BLOCKS if b.key == data["slot"])
            return rules.at(day, block.start), rules.at(day, block.end)
        return rules.at(day, data["start_time"]), rules.at(day, data["end_time"])


def _equipment_field() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=_("借りる備品"),
        queryset=Equipment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def _offer_equipment(form: forms.Form, room: Room) -> None:
    """The room's facility's lendable items as checkboxes; no field where it lends none."""
    items = room.facility.equipment.all()
    if items.exists():
        cast(forms.ModelMultipleChoiceField, form.fields["equipment"]).queryset = items
    else:
        del form.fields["equipment"]


class BookingForm(WhenFields):
    group = forms.ModelChoiceField(
        label=_("予約する団体"), queryset=CivicGroup.objects.none(), required=False
    )
    attendees = _int(_("利用人数"), minimum=1, maximum=1000)
    purpose = CleanCharField(label=_("利用目的"), max_length=200)
    equipment = _equipment_field()
    repeat = forms.ChoiceField(
        label=_("繰り返し"),
        choices=[("", _("繰り返さない")), *Series.Pattern.choices],
        required=False,
        help_text=_("「毎月 第n曜日」は、利用日と同じ週の同じ曜日です（例：第2火曜日）。"),
    )
    count = _int(_("回数（繰り返すとき）"), minimum=2, maximum=52, required=False)
    skip_conflicts = forms.BooleanField(
        label=_("予約できない日を除いて、ほかの日を予約する"), required=False
    )
    channel = forms.ChoiceField(label=_("受付の方法"), choices=Channel.choices[:3])
    holder_name = CleanCharField(
        label=_("利用者名（団体で予約しないとき）"), max_length=100, required=False
    )
    holder_phone = CleanCharField(label=_("連絡先電話番号"), max_length=30, required=False)

    def __init__(self, *args: Any, room: Room, groups: Any, staff: bool, **kwargs: Any) -> None:
        super().__init__(*args, room=room, **kwargs)
        self._choices_field("group").queryset = groups
        _offer_equipment(self, room)
        if staff:
            self.fields["group"].help_text = _("窓口・電話で受け付けた団体を選びます。")
        else:
            del self.fields["channel"], self.fields["holder_name"], self.fields["holder_phone"]
            if room.who_may_book == WhoMayBook.REGISTERED:
                self.fields["group"].required = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("repeat") and not data.get("count"):
            self.add_error("count", _("繰り返す回数を入力してください。"))
        return data


class ChangeForm(WhenFields):
    attendees = _int(_("利用人数"), minimum=1, maximum=1000)
    purpose = CleanCharField(label=_("利用目的"), max_length=200)


class ReasonForm(moves.ReasonForm):
    """A booking's reason: a refusal asks for one (the workflow says so), a cancellation
    may give one."""

    label = _("理由")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = False


class WatchForm(_Fields, forms.Form):
    group = forms.ModelChoiceField(label=_("団体"), queryset=CivicGroup.objects.none())
    day = JapaneseDateField(label=_("空きを待つ日"))

    def __init__(self, *args: Any, groups: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices_field("group").queryset = groups


WEEKDAY_CHOICES = [(str(i + 1), label) for i, label in enumerate(rules.WEEKDAYS)]


class FacilityForm(forms.Form):
    name = CleanCharField(label=_("施設名"), max_length=100)
    address = CleanCharField(label=_("所在地"), max_length=200, required=False)
    opens_at = JapaneseTimeField(label=_("開館時刻"))
    closes_at = JapaneseTimeField(label=_("閉館時刻"))
    closed_weekdays = forms.MultipleChoiceField(
        label=_("定休日（曜日）"),
        choices=WEEKDAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    closed_on_holidays = forms.BooleanField(label=_("祝日は休館"), required=False)
    note = CleanCharField(
        label=_("案内"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("閉館時刻は開館時刻より後にしてください。"))
        data["closed_weekdays"] = [int(v) for v in data.get("closed_weekdays") or []]
        return data

    @classmethod
    def initial_for(cls, facility: Facility) -> dict[str, Any]:
        initial = {name: getattr(facility, name) for name in cls.base_fields}
        initial["closed_weekdays"] = [str(v) for v in facility.closed_weekdays]
        return initial


class RoomForm(forms.Form):
    name = CleanCharField(label=_("部屋名"), max_length=100)
    capacity = _int(_("定員（人）"), minimum=1, maximum=1000)
    equipment = CleanCharField(label=_("備え付けの設備"), max_length=300, required=False)
    floor_plan_note = CleanCharField(label=_("場所・間取り"), max_length=300, required=False)
    accessibility = CleanCharField(label=_("バリアフリー"), max_length=300, required=False)
    mode = forms.ChoiceField(label=_("予約の単位"), choices=BookingMode.choices)
    min_minutes = _int(_("最短利用時間（分）"), minimum=15, maximum=1440)
    max_minutes = _int(_("最長利用時間（分）"), minimum=15, maximum=1440)
    who_may_book = forms.ChoiceField(label=_("予約できる人"), choices=WhoMayBook.choices)
    advance_days = _int(_("何日先まで予約できるか"), minimum=1, maximum=730)
    max_active = _int(_("1団体が同時に持てる予約数（0は制限なし）"), maximum=1000)
    max_per_month = _int(_("1団体の月あたりの予約数（0は制限なし）"), maximum=1000)
    cancel_days = _int(_("取消しの期限（利用日の何日前まで）"), maximum=365)
    needs_approval = forms.BooleanField(label=_("職員の承認が必要"), required=False)
    fee_per_hour = YenField(label=_("使用料（1時間あたり・円）"), min_value=0, max_value=1_000_000)
    registered_discount = _int(
        _("登録団体の減免（％）"), maximum=100, help_text=_("100 で全額免除、50 で半額です。")
    )
    payment = forms.ChoiceField(label=_("支払い"), choices=Payment.choices)
    is_active = forms.BooleanField(label=_("受付中"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("min_minutes"), data.get("max_minutes")
        if low and high and high < low:
            self.add_error("max_minutes", _("最長利用時間は最短利用時間以上にしてください。"))
        return data

    @classmethod
    def initial_for(cls, room: Room) -> dict[str, Any]:
        return {name: getattr(room, name) for name in cls.base_fields}


class ClosureForm(_Fields, forms.Form):
    room = forms.ModelChoiceField(
        label=_("部屋（空欄なら施設全体）"), queryset=Room.objects.none(), required=False
    )
    starts_on = JapaneseDateField(label=_("休館開始日"))
    ends_on = JapaneseDateField(label=_("休館終了日"))
    reason = CleanCharField(label=_("理由"), max_length=200)

    def __init__(self, *args: Any, facility: Facility, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices_field("room").queryset = facility.rooms.all()


class EquipmentForm(forms.Form):
    name = CleanCharField(label=_("備品名"), max_length=100)
    quantity = _int(_("数量"), minimum=1, maximum=1000)
    fee = YenField(label=_("貸出料（円）"), min_value=0, max_value=1_000_000)


class LotteryRoundForm(_Fields, forms.Form):
    title = CleanCharField(label=_("名称"), max_length=200)
    rooms = forms.ModelMultipleChoiceField(
        label=_("対象の部屋"), queryset=Room.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    first_day = JapaneseDateField(label=_("対象期間の初日"))
    last_day = JapaneseDateField(label=_("対象期間の最終日"))
    opens_on = JapaneseDateField(label=_("申込開始日"))
    closes_on = JapaneseDateField(label=_("申込締切日（この日まで）"))
    confirm_on = JapaneseDateField(label=_("当選確定の期限（この日まで）"))
    per_group_cap = _int(_("1団体の申込上限"), minimum=1, maximum=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices_field("rooms").queryset = Room.objects.select_related("facility")

    def round_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        midnight = dt.time(0, 0)
        return {
            "title": data["title"],
            "first_day": data["first_day"],
            "last_day": data["last_day"],
            "entries_open_at": rules.at(data["opens_on"], midnight),
            "entries_close_at": rules.at(data["closes_on"] + dt.timedelta(days=1), midnight),
            "confirm_by": rules.at(data["confirm_on"] + dt.timedelta(days=1), midnight),
            "per_group_cap": data["per_group_cap"],
        }


class EntryForm(WhenFields):
    group = forms.ModelChoiceField(label=_("申し込む団体"), queryset=CivicGroup.objects.none())
    attendees = _int(_("利用人数"), minimum=1, maximum=1000)
    purpose = CleanCharField(label=_("利用目的"), max_length=200)
    equipment = _equipment_field()

    def __init__(self, *args: Any, room: Room, groups: Any, **kwargs: Any) -> None:
        super().__init__(*args, room=room, **kwargs)
        self._choices_field("group").queryset = groups
        _offer_equipment(self, room)
        if "equipment" in self.fields:
            self.fields["equipment"].help_text = _(
                "当選したとき、抽選の時点で在庫のある備品を貸し出します。"
            )


class MonthForm(forms.Form):
    month = forms.CharField(label=_("月（例 2026-05）"), max_length=7, required=False)

    def month_start(self, default: dt.date) -> dt.date:
        if self.is_valid():
            text = nfkc(self.cleaned_data.get("month") or "")
            match = re.match(r"^(\d{4})-(\d{1,2})$", text)
            if match and 1 <= int(match.group(2)) <= 12 and 2000 <= int(match.group(1)) <= 2100:
                return dt.date(int(match.group(1)), int(match.group(2)), 1)
        return default.replace(day=1)
