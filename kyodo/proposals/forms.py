"""Forms for consultations, the proposal editor, the budget, intake and 4者協議."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kyodo.accounts.models import Section
from kyodo.core.editing import VersionField
from kyodo.japan.forms import (
    CleanCharField,
    JapaneseDateField,
    JapaneseTimeField,
    LooseIntegerField,
    YenField,
)
from kyodo.programmes.models import Call, CityTheme, Course, Track
from kyodo.programmes.seed import budget_categories
from kyodo.proposals import workflow
from kyodo.proposals.models import (
    AttachmentKind,
    BudgetKind,
    ConsultationOutcome,
    ConsultationSheet,
    FourPartyOutcome,
)
from kyodo.proposals.services import FISCAL_MONTHS


def _text(label: Any, rows: int = 4, required: bool = False, max_length: int = 4000) -> Any:
    return CleanCharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class ConsultationForm(forms.Form):
    theme = forms.ModelChoiceField(
        label=_("応募を考えている市提案テーマ（団体提案の場合は空欄）"),
        queryset=CityTheme.objects.none(),
        required=False,
    )
    idea = _text(_("事業のアイデア"), required=True)
    issue = _text(_("解決したい地域・社会の課題"), required=True)
    wished_section = forms.ModelChoiceField(
        label=_("協働を希望する担当課"),
        queryset=Section.objects.select_related("division"),
        required=False,
    )
    wished_section_text = CleanCharField(
        label=_("担当課が分からない場合は、希望を自由に書いてください"),
        max_length=200,
        required=False,
    )

    def __init__(self, *args: Any, call: Call, **kwargs: Any):
        super().__init__(*args, **kwargs)
        theme_field = cast("forms.ModelChoiceField[CityTheme]", self.fields["theme"])
        theme_field.queryset = call.themes.filter(status="published")


class AssignForm(forms.Form):
    section = forms.ModelChoiceField(
        label=_("担当課"), queryset=Section.objects.select_related("division")
    )


class MeetingForm(forms.Form):
    held_on = JapaneseDateField(label=_("相談日"), help_text=_("例：2026-05-10、令和8年5月10日"))
    attendees = CleanCharField(label=_("出席者"), max_length=500)
    notes = _text(_("相談の内容"), required=True)
    next_steps = _text(_("次にすること"), rows=2)


class ConcludeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("相談の結果"), choices=ConsultationOutcome.choices)
    note = _text(_("結果の説明（団体に表示されます）"), rows=3)


class ProposalStartForm(forms.Form):
    course = forms.ModelChoiceField(label=_("コース"), queryset=Course.objects.none())
    title = CleanCharField(label=_("事業名"), max_length=200)
    consultation = forms.ModelChoiceField(
        label=_("もとになった事前相談"), queryset=ConsultationSheet.objects.none(), required=False
    )

    def __init__(
        self,
        *args: Any,
        call: Call,
        group_id: int,
        theme: CityTheme | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        courses = call.courses.all()
        track = Track.CITY_PROPOSED if theme else Track.GROUP_PROPOSED
        allowed = [c.pk for c in courses if c.allows_track(track)]
        course_field = cast("forms.ModelChoiceField[Course]", self.fields["course"])
        course_field.queryset = call.courses.filter(pk__in=allowed)
        if theme is not None:
            self.fields["course"].initial = theme.course_id
        # Only this group's own consultations can be chosen, whatever the browser sends.
        consultation_field = cast(
            "forms.ModelChoiceField[ConsultationSheet]", self.fields["consultation"]
        )
        consultation_field.queryset = ConsultationSheet.objects.filter(group_id=group_id, call=call)


class PlanForm(forms.Form):
    title = CleanCharField(label=_("事業名"), max_length=200)
    issue = _text(_("地域・社会の課題"))
    purpose = _text(_("事業の目的"))
    content = _text(_("事業の内容"), rows=6)
    beneficiaries = _text(_("対象・受益者"), rows=2)
    expected_effect = _text(_("期待される効果"))
    measurement = _text(_("効果の測り方"), rows=3)
    group_role = _text(_("団体の役割"))
    city_role = _text(_("市（担当課）の役割"))
    appeal_pioneering = _text(_("アピール：先駆性"), rows=3)
    appeal_public_benefit = _text(_("アピール：公益性"), rows=3)
    appeal_collaboration = _text(_("アピール：協働の効果"), rows=3)
    years = LooseIntegerField(label=_("事業年数"), min_value=1, max_value=10)
    version = VersionField()

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for month in FISCAL_MONTHS:
            self.fields[f"schedule_{month}"] = CleanCharField(
                label=_("%(m)d月の実施内容") % {"m": month}, max_length=500, required=False
            )

    def schedule_fields(self) -> list[Any]:
        return [self[f"schedule_{m}"] for m in FISCAL_MONTHS]

    def plan_fields(self) -> list[Any]:
        return [f for f in self if not f.name.startswith("schedule_") and f.name != "version"]

    @staticmethod
    def initial_for(proposal: Any) -> dict[str, Any]:
        initial = {
            name: getattr(proposal, name)
            for name in (
                "title",
                "issue",
                "purpose",
                "content",
                "beneficiaries",
                "expected_effect",
                "measurement",
                "group_role",
                "city_role",
                "appeal_pioneering",
                "appeal_public_benefit",
                "appeal_collaboration",
                "years",
            )
        }
        for item in proposal.schedule or []:
            initial[f"schedule_{item['month']}"] = item.get("activity", "")
        initial["version"] = proposal.version
        return initial

    def plan_data(self) -> dict[str, Any]:
        data = {
            k: v
            for k, v in self.cleaned_data.items()
            if not k.startswith("schedule_") and k != "version"
        }
        data["schedule"] = [
            {"month": m, "activity": self.cleaned_data.get(f"schedule_{m}") or ""}
            for m in FISCAL_MONTHS
            if self.cleaned_data.get(f"schedule_{m}")
        ]
        return data


def _category_choices() -> list[tuple[str, Any]]:
    income, expense = budget_categories()
    return [
        ("", "---------"),
        (str(_("収入")), [(c, c) for c in income]),
        (str(_("支出")), [(c, c) for c in expense]),
    ]


class BudgetLineForm(forms.Form):
    year_index = forms.TypedChoiceField(label=_("年次"), coerce=int, choices=[(1, "1年目")])
    kind = forms.ChoiceField(
        label=_("収入・支出"), choices=[("", "---------"), *BudgetKind.choices]
    )
    category = forms.ChoiceField(label=_("区分"), choices=())
    description = CleanCharField(label=_("内訳"), max_length=200, required=False)
    unit_price = YenField(label=_("単価（支出）"), required=False, min_value=0)
    quantity = LooseIntegerField(label=_("数量（支出）"), required=False, min_value=0)
    amount = YenField(label=_("金額（収入）"), required=False, min_value=0)

    def __init__(self, *args: Any, years: int = 1, **kwargs: Any):
        super().__init__(*args, **kwargs)
        year_field = cast("forms.TypedChoiceField", self.fields["year_index"])
        year_field.choices = [(y, _("%(y)d年目") % {"y": y}) for y in range(1, years + 1)]
        cast("forms.ChoiceField", self.fields["category"]).choices = _category_choices()
        # A row left blank is "unchanged" and skipped, though its selects show a value.
        self.fields["year_index"].initial = 1
        income, expense = budget_categories()
        self._income, self._expense = set(income), set(expense)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # Form.clean() returns it; the stubs say Optional
        kind, category = data.get("kind"), data.get("category")
        if kind == BudgetKind.EXPENSE:
            if category and category not in self._expense:
                self.add_error("category", _("支出の区分を選んでください。"))
            if data.get("unit_price") is None:
                self.add_error("unit_price", _("支出は単価を入力してください。"))
            if data.get("quantity") is None:
                self.add_error("quantity", _("支出は数量を入力してください。"))
        elif kind == BudgetKind.INCOME:
            if category and category not in self._income:
                self.add_error("category", _("収入の区分を選んでください。"))
            if data.get("amount") is None:
                self.add_error("amount", _("収入は金額を入力してください。"))
        return data


class BaseBudgetFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, years: int = 1, **kwargs: Any):
        self.years = years
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "years": self.years}

    def _claims_too_many(self) -> bool:
        """A form count past the maximum is tampered with: build no rows for it at all."""
        from django.forms.formsets import TOTAL_FORM_COUNT

        if not self.is_bound:
            return False
        claimed = str(self.data.get(self.add_prefix(TOTAL_FORM_COUNT), "0")).strip()
        return not claimed.isdigit() or len(claimed) > 6 or int(claimed) > self.max_num

    def total_form_count(self) -> int:
        # Django refuses the count itself ("at most 200"); without this it would still
        # build and render the 200 rows the tampered count asked for.
        return 0 if self._claims_too_many() else super().total_form_count()

    def lines(self) -> list[dict[str, Any]]:
        return [
            f.cleaned_data
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.has_changed()
        ]


# formset_factory returns a subclass of `formset`; the stubs type it as plain BaseFormSet.
BudgetFormSet = cast(
    "type[BaseBudgetFormSet]",
    forms.formset_factory(
        BudgetLineForm,
        formset=BaseBudgetFormSet,
        extra=4,
        can_delete=True,
        max_num=200,
        absolute_max=200,
        validate_max=True,
    ),
)


def budget_initial(proposal: Any) -> list[dict[str, Any]]:
    return [
        {
            "year_index": line.year_index,
            "kind": line.kind,
            "category": line.category,
            "description": line.description,
            "unit_price": f"{line.unit_price:,}" if line.kind == BudgetKind.EXPENSE else "",
            "quantity": line.quantity if line.kind == BudgetKind.EXPENSE else "",
            "amount": f"{line.amount:,}" if line.kind == BudgetKind.INCOME else "",
        }
        for line in proposal.budget_lines.all()
    ]


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("書類の種類"), choices=AttachmentKind.choices)
    file = forms.FileField(
        label=_("ファイル"), help_text=_("PDF・Word・Excel・PNG・JPEG（10MBまで）")
    )


class ReasonForm(forms.Form):
    reason = _text(_("理由（団体に表示されます）"), rows=4, required=True)


class FourPartyScheduleForm(forms.Form):
    day = JapaneseDateField(label=_("日付"), help_text=_("例：2026-06-15、令和8年6月15日"))
    time = JapaneseTimeField(label=_("開始時刻"), help_text=_("例：14:00"))
    place = CleanCharField(label=_("場所"), max_length=200, required=False)
    participants = _text(_("出席予定者（団体・担当課・協働担当課・センター）"), rows=3)

    def scheduled_at(self) -> dt.datetime:
        return timezone.make_aware(
            dt.datetime.combine(self.cleaned_data["day"], self.cleaned_data["time"])
        )


class FourPartyRecordForm(forms.Form):
    minutes = _text(_("議事録"), rows=8, required=True)
    outcome = forms.ChoiceField(
        label=_("結果"),
        choices=[c for c in FourPartyOutcome.choices if c[0] != FourPartyOutcome.PENDING],
        widget=forms.RadioSelect,
    )
    reason = _text(
        _("理由・修正してほしい点（修正・中止のときは必須。団体に表示されます）"), rows=3
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # Form.clean() returns it; the stubs say Optional
        if (
            data.get("outcome") in (FourPartyOutcome.REVISE, FourPartyOutcome.STOP)
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", _("修正または中止のときは、理由を入力してください。"))
        return data


class ProposalFilterForm(forms.Form):
    call = forms.ModelChoiceField(label=_("募集"), queryset=Call.objects.all(), required=False)
    course = forms.ModelChoiceField(
        label=_("コース"), queryset=Course.objects.all(), required=False
    )
    status = forms.ChoiceField(
        label=_("状態"),
        required=False,
        choices=[("", _("すべて")), *[(s.key, s.staff_label) for s in workflow.STATES.values()]],
    )
    track = forms.ChoiceField(
        label=_("提案の種類"), required=False, choices=[("", _("すべて")), *Track.choices]
    )
    section = forms.ModelChoiceField(
        label=_("担当課"), queryset=Section.objects.select_related("division"), required=False
    )
    q = CleanCharField(label=_("事業名・団体名"), max_length=100, required=False)
