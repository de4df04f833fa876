"""Forms for the office's configuration pages and the departments' theme drafts."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kyodo.accounts.models import Section
from kyodo.japan.forms import CleanCharField, JapaneseDateField, LooseIntegerField, YenField
from kyodo.japan.numbers import parse_yen
from kyodo.programmes.models import (
    Call,
    Course,
    FundingSource,
    PaymentType,
    Programme,
    RulesRequirement,
    Track,
    parse_share,
)


def _optional_int(label: Any) -> LooseIntegerField:
    return LooseIntegerField(label=label, required=False, min_value=0, max_value=1000)


class CourseForm(forms.Form):
    name = CleanCharField(label=_("コース名"), max_length=100)
    description = CleanCharField(
        label=_("説明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    min_officers = _optional_int(_("役員数の下限"))
    min_members = _optional_int(_("会員数の下限"))
    min_citizen_members = _optional_int(_("市内の構成員数の下限"))
    min_years_active = _optional_int(_("活動年数の下限（年）"))
    max_years_since_founding = _optional_int(_("設立からの年数の上限（年）"))
    requires_registration = forms.BooleanField(label=_("センター登録が必要"), required=False)
    requires_rules = forms.ChoiceField(label=_("会則・規約"), choices=RulesRequirement.choices)
    requires_accounts = forms.BooleanField(label=_("予算・決算の適正な処理が必要"), required=False)
    non_profit = forms.BooleanField(label=_("非営利であること"), required=False)
    max_adoptions_per_group = _optional_int(_("団体ごとの採択回数の上限"))
    adoptions_since_fiscal_year = LooseIntegerField(
        label=_("採択回数を数え始める年度（西暦）"), required=False, min_value=1990, max_value=2100
    )
    tracks = forms.MultipleChoiceField(
        label=_("提案の種類"), choices=Track.choices, widget=forms.CheckboxSelectMultiple
    )
    payment_type = forms.ChoiceField(label=_("支出の種類"), choices=PaymentType.choices)
    funding_source = forms.ChoiceField(label=_("財源"), choices=FundingSource.choices)
    cap_per_year = YenField(label=_("年度ごとの上限額"), required=False, min_value=0)
    cap_by_adoption = CleanCharField(
        label=_("採択回数ごとの上限額"),
        required=False,
        max_length=200,
        help_text=_("1回目、2回目…の順に「、」で区切ります。例：30万円、15万円"),
    )
    max_years = LooseIntegerField(label=_("最長の事業年数"), min_value=1, max_value=10)
    cost_shares = CleanCharField(
        label=_("事業費に対する市の負担の上限割合（年次ごと）"),
        required=False,
        max_length=200,
        help_text=_("1年目、2年目…の順に「、」で区切ります。例：90%、80%、70%　または　2/3"),
    )
    settlement_diff_share = CleanCharField(
        label=_("説明が要る決算の差額（予算額に対する割合）"),
        required=False,
        max_length=10,
        help_text=_("例：20%。空欄ならこの基準は使いません。"),
    )
    settlement_diff_yen = YenField(
        label=_("説明が要る決算の差額（円）"),
        required=False,
        min_value=0,
        help_text=_(
            "例：10,000円。空欄ならこの基準は使いません。両方あるときは両方を超えた行に説明を求めます。"
        ),
    )

    @staticmethod
    def _split(text: str) -> list[str]:
        # "、" separates the items, so "300,000、150,000" keeps its thousands separators.
        return [
            p.strip() for p in text.replace("；", "、").replace(";", "、").split("、") if p.strip()
        ]

    def clean_cap_by_adoption(self) -> list[int]:
        try:
            return [parse_yen(p) for p in self._split(self.cleaned_data["cap_by_adoption"])]
        except ValueError as exc:
            raise forms.ValidationError(
                _("金額は「30万円、15万円」のように書いてください。")
            ) from exc

    def clean_cost_shares(self) -> list[str]:
        parts = self._split(self.cleaned_data["cost_shares"])
        try:
            for p in parts:
                parse_share(p)
        except ValueError as exc:
            raise forms.ValidationError(_("割合は「90%」「2/3」のように書いてください。")) from exc
        return parts

    def clean_settlement_diff_share(self) -> str:
        value = self.cleaned_data["settlement_diff_share"]
        if value:
            try:
                parse_share(value)
            except ValueError as exc:
                raise forms.ValidationError(
                    _("割合は「90%」「2/3」のように書いてください。")
                ) from exc
        return value

    @classmethod
    def initial_for(cls, course: Course) -> dict[str, Any]:
        initial = {name: getattr(course, name) for name in cls.base_fields}
        initial["cap_by_adoption"] = "、".join(f"{v:,}円" for v in course.cap_by_adoption or [])
        initial["cost_shares"] = "、".join(course.cost_shares or [])
        return initial


class CallForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("制度"), queryset=Programme.objects.all())
    fiscal_year = LooseIntegerField(label=_("実施年度（西暦）"), min_value=2000, max_value=2100)
    title = CleanCharField(label=_("募集の名称"), max_length=200)
    summary = CleanCharField(
        label=_("募集の概要"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    courses = forms.ModelMultipleChoiceField(
        label=_("対象コース"), queryset=Course.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    briefing_on = JapaneseDateField(label=_("説明会"), required=False)
    consultation_deadline = JapaneseDateField(label=_("事前相談の締切"), required=False)
    opens_on = JapaneseDateField(label=_("提案の受付開始"))
    closes_on = JapaneseDateField(label=_("提案の受付締切"))
    presentation_on = JapaneseDateField(label=_("公開プレゼンテーション"), required=False)
    decision_on = JapaneseDateField(label=_("採否の決定（予定）"), required=False)
    is_published = forms.BooleanField(label=_("公開する"), required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # Form.clean() returns it; the stubs say Optional
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", _("締切は受付開始より後の日にしてください。"))
        return data


class ThemeForm(forms.Form):
    call = forms.ModelChoiceField(label=_("募集"), queryset=Call.objects.all())
    course = forms.ModelChoiceField(label=_("コース"), queryset=Course.objects.all())
    section = forms.ModelChoiceField(label=_("担当課"), queryset=Section.objects.none())
    title = CleanCharField(label=_("テーマ"), max_length=200)
    background = CleanCharField(label=_("背景と課題"), widget=forms.Textarea(attrs={"rows": 4}))
    outline = CleanCharField(label=_("事業の構想・概要"), widget=forms.Textarea(attrs={"rows": 4}))
    expectations = CleanCharField(
        label=_("協働の相手に期待すること"), widget=forms.Textarea(attrs={"rows": 3})
    )
    budget_ceiling = YenField(label=_("予算の上限（年度あたり）"), min_value=0)
    years = LooseIntegerField(label=_("事業年数"), min_value=1, max_value=10)
    contact = CleanCharField(label=_("問い合わせ先"), max_length=300)

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        sections = Section.objects.current().select_related("division")
        if not user.has_role("office"):
            sections = sections.filter(pk__in=user.section_ids)
        section_field = cast("forms.ModelChoiceField[Section]", self.fields["section"])
        section_field.queryset = sections
        # JSON containment differs between SQLite and PostgreSQL: filter in Python.
        course_field = cast("forms.ModelChoiceField[Course]", self.fields["course"])
        course_field.queryset = Course.objects.filter(
            pk__in=[c.pk for c in Course.objects.all() if c.allows_track(Track.CITY_PROPOSED)]
        )


class IssueForm(forms.Form):
    section = forms.ModelChoiceField(
        label=_("担当課"), queryset=Section.objects.current().select_related("division")
    )
    fiscal_year = LooseIntegerField(label=_("年度（西暦）"), min_value=2000, max_value=2100)
    title = CleanCharField(label=_("課題"), max_length=200)
    description = CleanCharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 4}))
    is_published = forms.BooleanField(label=_("公開する"), required=False)


class BudgetCategoryForm(forms.Form):
    """One expense category on the office's list (kyodo.programmes.models.BudgetCategory)."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = CleanCharField(label=_("費目"), max_length=50, required=False)
    name_en = CleanCharField(label=_("英語の名称"), max_length=100, required=False)
    order = LooseIntegerField(label=_("表示順"), required=False, max_value=999)
    is_active = forms.BooleanField(label=_("提案書で選べる"), required=False, initial=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("id") and not data.get("name") and "name" not in self.errors:
            self.add_error(
                "name", _("費目の名前を入力してください（使わない費目は「選べる」を外します）。")
            )
        return data


BudgetCategoryFormSet = forms.formset_factory(
    BudgetCategoryForm, extra=2, max_num=100, absolute_max=100, validate_max=True
)
