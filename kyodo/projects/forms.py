"""Forms of the project pages: the agreement's text, a reason, a condition's settlement and
the conclusion with the signed scan."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kyodo.core.editing import VersionField
from kyodo.japan.calendar import wareki_fiscal_year
from kyodo.japan.forms import (
    CleanCharField,
    JapaneseDateField,
    JapaneseTimeField,
    LooseIntegerField,
    YenField,
)
from kyodo.projects import clauses
from kyodo.projects.models import Agreement, Project, ScheduleKind

DATE_HELP = _("例：2026-04-01、令和8年4月1日")


def _text(label: Any, rows: int = 4, required: bool = False, max_length: int = 4000) -> Any:
    return CleanCharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class AgreementForm(forms.Form):
    """The agreement's text, with the cost split per fiscal year as yen fields."""

    version = VersionField()
    term_start = JapaneseDateField(label=_("協定の期間（開始日）"), help_text=DATE_HELP)
    term_end = JapaneseDateField(label=_("協定の期間（終了日）"), help_text=DATE_HELP)

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.agreement = agreement
        labels = clauses.labels()
        self.costs = list(agreement.content.get("costs") or [])
        ordered: dict[str, forms.Field] = {
            "version": self.fields["version"],
            "purpose": _text(labels["purpose"], rows=3, required=True),
            "term_start": self.fields["term_start"],
            "term_end": self.fields["term_end"],
            "group_role": _text(labels["group_role"], rows=4, required=True),
            "department_role": _text(labels["department_role"], rows=4, required=True),
        }
        for cost in self.costs:
            year = wareki_fiscal_year(cost["fiscal_year"])
            ordered[f"city_{cost['year_index']}"] = YenField(
                label=_("%(year)s 市の負担額（円）") % {"year": year}
            )
            ordered[f"group_{cost['year_index']}"] = YenField(
                label=_("%(year)s 団体の負担額（円）") % {"year": year}
            )
        for key in clauses.TEXT_CLAUSES[3:]:
            ordered[key] = _text(labels[key], rows=3, required=key != "other")
        ordered["note"] = CleanCharField(
            label=_("この版の説明（任意）"),
            required=False,
            max_length=500,
            help_text=_("例：役割分担の表現を直しました"),
        )
        self.fields = ordered  # type: ignore[assignment]  # a plain dict keeps the order

    @classmethod
    def initial_for(cls, agreement: Agreement) -> dict[str, Any]:
        content = agreement.content
        initial: dict[str, Any] = {k: content.get(k, "") for k in clauses.TEXT_CLAUSES}
        term = content.get("term") or {}
        initial["term_start"] = term.get("start") or None
        initial["term_end"] = term.get("end") or None
        for cost in content.get("costs") or []:
            initial[f"city_{cost['year_index']}"] = cost.get("city", 0)
            initial[f"group_{cost['year_index']}"] = cost.get("group", 0)
        initial["version"] = agreement.version
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("term_start"), data.get("term_end")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            self.add_error("term_end", _("終了日は開始日より後の日付にしてください。"))
        return data

    def content(self) -> dict[str, Any]:
        data = self.cleaned_data
        content: dict[str, Any] = {k: data.get(k, "") for k in clauses.TEXT_CLAUSES}
        content["term"] = {
            "start": data["term_start"].isoformat(),
            "end": data["term_end"].isoformat(),
        }
        content["costs"] = [
            {
                **cost,
                "city": data.get(f"city_{cost['year_index']}") or 0,
                "group": data.get(f"group_{cost['year_index']}") or 0,
            }
            for cost in self.costs
        ]
        return content


class SettleForm(forms.Form):
    note = _text(_("対応の記録"), rows=3, required=True)


class ConcludeForm(forms.Form):
    concluded_on = JapaneseDateField(label=_("締結日"), help_text=DATE_HELP)
    file = forms.FileField(
        label=_("記名押印した協定書の写し"), help_text=_("PDF・PNG・JPEG（10MBまで）")
    )


# --- reports ----------------------------------------------------------------------------------


class ScheduleForm(forms.Form):
    """The office's report schedule for one year of a project: kind and explicit due dates."""

    segment = forms.TypedChoiceField(label=_("年度"), coerce=int)
    kind = forms.ChoiceField(label=_("報告の時期"), choices=ScheduleKind.choices)
    due_dates = _text(_("提出期限（1行に1つ）"), rows=4, required=True, max_length=2000)
    remind_before_days = LooseIntegerField(
        label=_("期限の何日前にお知らせするか"), initial=7, max_value=365
    )
    remind_every_days = LooseIntegerField(
        label=_("期限後、何日ごとに催促するか"), initial=7, min_value=1, max_value=365
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["segment"].choices = [  # type: ignore[attr-defined]
            (s.pk, wareki_fiscal_year(s.fiscal_year)) for s in project.segments.all()
        ]
        self.fields["due_dates"].help_text = _(
            "最後の期限の報告が実績報告書になります。例：2026-09-30、令和9年4月30日"
        )

    def clean_due_dates(self) -> list[dt.date]:
        field = JapaneseDateField()
        dates: list[dt.date] = []
        for line in (self.cleaned_data.get("due_dates") or "").splitlines():
            if not line.strip():
                continue
            try:
                day = field.clean(line.strip())
            except forms.ValidationError as exc:
                raise forms.ValidationError(
                    _("「%(line)s」は日付として読めません。%(why)s")
                    % {"line": line.strip()[:40], "why": " ".join(exc.messages)}
                ) from exc
            dates.append(day)
        if not dates:
            raise forms.ValidationError(_("提出期限を1つ以上入力してください。"))
        return dates


class ReportForm(forms.Form):
    version = VersionField()
    dates_and_venues = _text(_("実施日と場所"), rows=3)
    participants = _text(_("参加者（人数・対象）"), rows=3)
    activities = _text(_("実施した内容"), rows=6)
    outcomes = _text(_("目標に対する成果"), rows=5)
    reflections = _text(_("振り返り（団体として）"), rows=4)


class PhotoForm(forms.Form):
    file = forms.FileField(
        label=_("写真"), help_text=_("PNG・JPEG（10MBまで、1つの報告に10枚まで）")
    )
    caption = CleanCharField(
        label=_("説明（写っている内容）"),
        max_length=200,
        help_text=_("目の見えない方にも伝わるように、写っている内容を書いてください。"),
    )
    publishable = forms.BooleanField(
        label=_("市のホームページ（公開ページ）に載せてよい（写っている人の了承を得ています）"),
        required=False,
    )


# --- the report session (報告会) --------------------------------------------------------------


class ReportSessionForm(forms.Form):
    """The office sets the year's report session: when and where, and a note for visitors."""

    held_on = JapaneseDateField(label=_("開催日"), help_text=DATE_HELP)
    starts_at = JapaneseTimeField(
        label=_("開始時刻"), required=False, help_text=_("例：13:30、13時30分")
    )
    place = CleanCharField(label=_("会場"), max_length=200)
    note = _text(_("ご案内（任意）"), rows=4, max_length=2000)

    def __init__(self, *args: Any, fiscal_year: int, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fiscal_year = fiscal_year
        # The session reports on the year: held within it or in the months after it ends.
        field = self.fields["held_on"]
        assert isinstance(field, JapaneseDateField)
        field.earliest = dt.date(fiscal_year, 4, 1)
        field.latest = dt.date(fiscal_year + 2, 3, 31)
