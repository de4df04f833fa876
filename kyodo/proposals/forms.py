"""Forms for consultations, the proposal editor, the budget, intake and 4者協議."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kyodo.accounts.models import Section
from kyodo.core import moves
from kyodo.core.editing import VersionField
from kyodo.japan.forms import (
    CleanCharField,
    JapaneseDateField,
    JapaneseTimeField,
    LooseIntegerField,
    YenField,
)
from kyodo.japan.numbers import parse_yen
from kyodo.programmes.models import Call, CityTheme, Course, Track
from kyodo.proposals import workflow
from kyodo.proposals.models import (
    AttachmentKind,
    BudgetKind,
    ConsultationOutcome,
    ConsultationSheet,
    FourPartyOutcome,
    IncomeSource,
    Proposal,
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
        queryset=Section.objects.current().select_related("division"),
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
        label=_("担当課"), queryset=Section.objects.current().select_related("division")
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
    course = forms.ModelChoiceField(
        label=_("コース"),
        queryset=Course.objects.none(),
        required=False,
        help_text=_("下書きの間は変えられます。市提案テーマへの提案はテーマのコースです。"),
    )
    version = VersionField()

    def __init__(self, *args: Any, proposal: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Course]", self.fields["course"])
        if proposal is not None and proposal.theme_id is None:
            allowed = [c.pk for c in proposal.call.courses.all() if c.allows_track(proposal.track)]
            field.queryset = Course.objects.filter(pk__in=allowed)
            field.empty_label = None
        else:
            del self.fields["course"]  # a theme's proposal stays in the theme's course
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
        initial["course"] = proposal.course_id
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


# --- the budget: one 収支予算書 table per project year --------------------------------------

EMPTY_CHOICE = ("", "---------")
MAX_LINES = 50  # per table: a tampered form count past it builds no rows at all


class IncomeLineForm(forms.Form):
    source = forms.ChoiceField(
        label=_("収入の種類"), choices=[EMPTY_CHOICE, *IncomeSource.choices], required=False
    )
    description = CleanCharField(label=_("内訳"), max_length=200, required=False)
    amount = YenField(label=_("金額"), required=False)

    def __init__(self, *args: Any, categories: Sequence[str] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.has_changed() and not data.get("DELETE"):
            if not data.get("source") and "source" not in self.errors:
                self.add_error("source", _("収入の種類を選んでください。"))
            if data.get("amount") is None and "amount" not in self.errors:
                self.add_error("amount", _("金額を入力してください。"))
        return data


class ExpenseLineForm(forms.Form):
    category = forms.ChoiceField(label=_("費目"), choices=(), required=False)
    description = CleanCharField(label=_("内訳（品名・回数など）"), max_length=200, required=False)
    unit_price = YenField(label=_("単価"), required=False)
    quantity = LooseIntegerField(label=_("数量"), required=False, max_value=1_000_000)

    def __init__(self, *args: Any, categories: Sequence[str] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = cast("forms.ChoiceField", self.fields["category"])
        field.choices = [EMPTY_CHOICE, *((c, c) for c in categories)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.has_changed() and not data.get("DELETE"):
            if not data.get("category") and "category" not in self.errors:
                self.add_error("category", _("費目を選んでください。"))
            if data.get("unit_price") is None and "unit_price" not in self.errors:
                self.add_error("unit_price", _("単価を入力してください。"))
            if data.get("quantity") is None and "quantity" not in self.errors:
                self.add_error("quantity", _("数量を入力してください。"))
        return data


class BaseLineFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, categories: Sequence[str] = (), **kwargs: Any):
        self.categories = categories
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "categories": self.categories}

    def _claims_too_many(self) -> bool:
        """A form count past the maximum is tampered with: build no rows for it at all."""
        from django.forms.formsets import TOTAL_FORM_COUNT

        if not self.is_bound:
            return False
        claimed = str(self.data.get(self.add_prefix(TOTAL_FORM_COUNT), "0")).strip()
        return not claimed.isdigit() or len(claimed) > 6 or int(claimed) > self.max_num

    def total_form_count(self) -> int:
        # Django refuses the count itself ("at most 50"); without this it would still
        # build and render every row the tampered count asked for.
        return 0 if self._claims_too_many() else super().total_form_count()

    def kept(self) -> list[dict[str, Any]]:
        """The rows to save: filled in and not marked for deletion."""
        return [
            f.cleaned_data
            for f in self.forms
            if f.has_changed() and f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]


def _line_formset(form: type[forms.Form]) -> type[BaseLineFormSet]:
    # formset_factory returns a subclass of `formset`; the stubs type it as plain BaseFormSet.
    return cast(
        "type[BaseLineFormSet]",
        forms.formset_factory(
            form,
            formset=BaseLineFormSet,
            extra=2,
            can_delete=True,
            max_num=MAX_LINES,
            absolute_max=MAX_LINES,
            validate_max=True,
        ),
    )


IncomeFormSet = _line_formset(IncomeLineForm)
ExpenseFormSet = _line_formset(ExpenseLineForm)


def _typed_yen(value: Any) -> int | None:
    """What a cell holds as yen, typed or saved, for the running totals; None if unreadable."""
    if value in (None, ""):
        return 0
    if isinstance(value, int):
        return value
    try:
        return parse_yen(str(value))
    except ValueError:
        return None


@dataclass
class YearTable:
    year: int
    income: BaseLineFormSet
    expense: BaseLineFormSet

    def _values(self, formset: BaseLineFormSet, *names: str) -> list[tuple[Any, ...]]:
        rows = []
        for form in formset.forms:
            if form.is_bound and form.data.get(form.add_prefix("DELETE")):
                continue
            rows.append(tuple(form[name].value() for name in names))
        return rows

    @property
    def expense_amounts(self) -> list[int | None]:
        """Each expense row's amount (単価×数量) as typed, for its cell."""
        amounts: list[int | None] = []
        for price, quantity in self._values(self.expense, "unit_price", "quantity"):
            p, q = _typed_yen(price), _typed_yen(quantity)
            amounts.append(None if p is None or q is None else p * q)
        return amounts

    @property
    def income_total(self) -> int | None:
        values = [_typed_yen(v) for (v,) in self._values(self.income, "amount")]
        return None if None in values else sum(v or 0 for v in values)

    @property
    def city_total(self) -> int | None:
        rows = self._values(self.income, "source", "amount")
        values = [_typed_yen(v) for source, v in rows if source == IncomeSource.CITY]
        return None if None in values else sum(v or 0 for v in values)

    @property
    def expense_total(self) -> int | None:
        amounts = self.expense_amounts
        return None if None in amounts else sum(a or 0 for a in amounts)

    @property
    def balance(self) -> int | None:
        income, expense = self.income_total, self.expense_total
        return None if income is None or expense is None else income - expense

    @property
    def expense_rows(self) -> list[tuple[forms.Form, int | None]]:
        return list(zip(self.expense.forms, self.expense_amounts, strict=False))


def offered_categories(categories: Sequence[str], lines: Sequence[Any]) -> list[str]:
    """The categories to offer: the programme's, and any a saved line still uses (a category
    no longer offered stays on the lines that use it)."""
    names = list(categories)
    for line in lines:
        if line.kind == BudgetKind.EXPENSE and line.category not in names:
            names.append(line.category)
    return names


def _figure(amount: int | None) -> str:
    """An amount as the table shows it (12,000), or an empty cell to fill in."""
    return "" if amount is None else f"{amount:,}"


def year_table(
    data: Any, *, year: int, lines: Sequence[Any], categories: Sequence[str]
) -> YearTable:
    """One year's income and expense tables (prefixes y<year>-income, y<year>-expense) from
    lines shaped as a BudgetLine (kind, source, category, description, unit_price, quantity,
    amount): the proposal's budget and a year's settlement alike."""
    income = IncomeFormSet(
        data,
        prefix=f"y{year}-income",
        initial=[
            {"source": line.source, "description": line.description, "amount": _figure(line.amount)}
            for line in lines
            if line.kind == BudgetKind.INCOME
        ],
    )
    expense = ExpenseFormSet(
        data,
        prefix=f"y{year}-expense",
        categories=categories,
        initial=[
            {
                "category": line.category,
                "description": line.description,
                "unit_price": _figure(line.unit_price),
                "quantity": line.quantity,
            }
            for line in lines
            if line.kind == BudgetKind.EXPENSE
        ],
    )
    return YearTable(year, income, expense)


class BudgetTables:
    """Income and expense tables, one pair per year, each a formset, validated and saved
    together: the proposal's 収支予算書 (one pair per project year, `for_proposal`) and a
    year's 収支決算書 (kyodo.payments, `for_year`) share them, their row templates
    (proposals/_budget_year.html) and their script (static/js/budget-table.js)."""

    def __init__(self, tables: list[YearTable]):
        self.tables = tables

    @classmethod
    def for_proposal(
        cls,
        data: Any = None,
        *,
        years: int,
        lines: Sequence[Any] = (),
        categories: Sequence[str] = (),
    ) -> BudgetTables:
        names = offered_categories(categories, lines)
        return cls(
            [
                year_table(
                    data,
                    year=year,
                    lines=[line for line in lines if line.year_index == year],
                    categories=names,
                )
                for year in range(1, years + 1)
            ]
        )

    @classmethod
    def for_year(
        cls,
        data: Any = None,
        *,
        year: int,
        lines: Sequence[Any] = (),
        categories: Sequence[str] = (),
    ) -> BudgetTables:
        names = offered_categories(categories, lines)
        return cls([year_table(data, year=year, lines=lines, categories=names)])

    @property
    def formsets(self) -> list[BaseLineFormSet]:
        return [fs for t in self.tables for fs in (t.income, t.expense)]

    def is_valid(self) -> bool:
        results = [fs.is_valid() for fs in self.formsets]  # every table, for every error
        return all(results)

    def lines(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for table in self.tables:
            for data in table.income.kept():
                rows.append({**data, "year_index": table.year, "kind": BudgetKind.INCOME})
            for data in table.expense.kept():
                rows.append({**data, "year_index": table.year, "kind": BudgetKind.EXPENSE})
        return rows

    def error_summary(self) -> list[tuple[str, str]]:
        """(the field's id, "1年目 支出 2行目 単価：…") for every error, in table order."""
        items: list[tuple[str, str]] = []
        for table in self.tables:
            for formset, kind in ((table.income, _("収入")), (table.expense, _("支出"))):
                for error in formset.non_form_errors():
                    items.append(("", f"{table.year}年目 {kind}：{error}"))
                for number, form in enumerate(formset.forms, start=1):
                    for name, errors in form.errors.items():
                        if name not in form.fields:
                            continue
                        where = _("%(y)d年目 %(kind)s %(n)d行目 %(field)s") % {
                            "y": table.year,
                            "kind": kind,
                            "n": number,
                            "field": form.fields[name].label,
                        }
                        for error in errors:
                            items.append((form[name].auto_id, f"{where}：{error}"))
        return items

    def add_row(self, prefix: str) -> None:
        """The page's 行を追加 without JavaScript: the same typed data, one more blank row."""
        for formset in self.formsets:
            if formset.prefix == prefix and formset.total_form_count() < MAX_LINES:
                data = dict(formset.data.items())  # the typed cells, one value each
                data[formset.add_prefix("TOTAL_FORMS")] = str(formset.total_form_count() + 1)
                formset.data = data
                for cached in ("forms", "management_form"):  # cached properties: rebuilt
                    formset.__dict__.pop(cached, None)


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("書類の種類"), choices=AttachmentKind.choices)
    file = forms.FileField(
        label=_("ファイル"), help_text=_("PDF・Word・Excel・PNG・JPEG（10MBまで）")
    )


class ReasonForm(moves.ReasonForm):
    """The office's reason for returning a proposal, which the group reads."""

    label = _("理由（団体に表示されます）")


class FourPartyScheduleForm(forms.Form):
    day = JapaneseDateField(label=_("日付"), help_text=_("例：2026-06-15、令和8年6月15日"))
    time = JapaneseTimeField(label=_("開始時刻"), help_text=_("例：14:00"))
    place = CleanCharField(label=_("場所"), max_length=200, required=False)
    participants = _text(_("出席予定者（団体・担当課・協働担当課・センター）"), rows=3)

    def scheduled_at(self) -> dt.datetime:
        return timezone.make_aware(
            dt.datetime.combine(self.cleaned_data["day"], self.cleaned_data["time"])
        )


class ProposalChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title}（{obj.group.name}）"


class FourPartyRecordForm(forms.Form):
    minutes = _text(_("議事録"), rows=8, required=True)
    outcome = forms.ChoiceField(
        label=_("結果"),
        choices=[c for c in FourPartyOutcome.choices if c[0] != FourPartyOutcome.PENDING],
        widget=forms.RadioSelect,
    )
    reason = _text(
        _("理由・修正してほしい点（修正・中止・統合のときは必須。団体に表示されます）"), rows=3
    )
    merged_into = ProposalChoiceField(
        label=_("統合先の提案（統合のとき）"),
        queryset=Proposal.objects.none(),
        required=False,
    )
    version = VersionField()

    def __init__(
        self,
        *args: Any,
        proposal: Proposal | None = None,
        minutes_only: bool = False,
        **kwargs: Any,
    ):
        """`minutes_only`: the minutes are being saved for the other parties to go on with;
        the outcome is not asked for yet."""
        super().__init__(*args, **kwargs)
        self.minutes_only = minutes_only
        if minutes_only:
            self.fields["outcome"].required = False
        if proposal is not None:
            live = [s for s, state in workflow.STATES.items() if not state.final]
            field = cast("forms.ModelChoiceField[Proposal]", self.fields["merged_into"])
            field.queryset = (
                Proposal.objects.filter(call_id=proposal.call_id, status__in=live)
                .exclude(pk=proposal.pk)
                .exclude(status=workflow.DRAFT)
                .select_related("group")
                .order_by("title")
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # Form.clean() returns it; the stubs say Optional
        if self.minutes_only:
            return data
        outcome = data.get("outcome")
        if (
            outcome in (FourPartyOutcome.REVISE, FourPartyOutcome.STOP, FourPartyOutcome.MERGE)
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", _("修正・中止・統合のときは、理由を入力してください。"))
        if outcome == FourPartyOutcome.MERGE and not data.get("merged_into"):
            self.add_error("merged_into", _("統合先の提案を選んでください。"))
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
