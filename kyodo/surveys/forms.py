"""Forms of the surveys app: the builder's, the method record, the questionnaire as
respondents see it, and the paper-keying screen (one text box per question)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kyodo.japan.forms import CleanCharField, JapaneseDateField, LooseIntegerField
from kyodo.japan.text import nfkc
from kyodo.surveys import values as v
from kyodo.surveys.models import CHOICE_KINDS, Edition, Kind, Mode, Question, Sampling, Section

_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,30}$")


class SurveyForm(forms.Form):
    title = CleanCharField(label=_("調査名"), max_length=200)
    description = CleanCharField(
        label=_("調査の説明（回答する人に見せます）"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    fiscal_year = LooseIntegerField(label=_("実施する年度（西暦）"), min_value=1990, max_value=2100)


class EditionForm(forms.Form):
    fiscal_year = LooseIntegerField(label=_("実施する年度（西暦）"), min_value=1990, max_value=2100)


class SectionForm(forms.Form):
    title = CleanCharField(label=_("区分の見出し（例：あなた自身のことについて）"), max_length=200)


class QuestionForm(forms.Form):
    code = CleanCharField(
        label=_("設問コード"),
        max_length=30,
        help_text=_("半角英数字（例：Q1）。年度が変わっても同じ設問には同じコードを使います。"),
    )
    text = CleanCharField(label=_("設問文"), max_length=500)
    kind = forms.ChoiceField(label=_("回答の形式"), choices=Kind.choices)
    section = forms.ModelChoiceField(
        label=_("区分"), queryset=Section.objects.none(), required=False
    )
    options = CleanCharField(
        label=_("選択肢（1行に1つ）"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    other = forms.BooleanField(label=_("最後に「その他（具体的に）」を付ける"), required=False)
    max_choices = LooseIntegerField(
        label=_("選べる数の上限（複数回答で「3つまで」なら3）"),
        required=False,
        min_value=1,
        max_value=99,
    )
    condition_question = forms.ModelChoiceField(
        label=_("一部の人だけに聞く：前の設問"), queryset=Question.objects.none(), required=False
    )
    condition_numbers = CleanCharField(
        label=_("その設問でこの番号を選んだ人に聞く（例：1,2）"), required=False, max_length=100
    )

    def __init__(self, *args: Any, edition: Edition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = edition.sections.all()  # type: ignore[attr-defined]
        self.fields["condition_question"].queryset = edition.questions.filter(  # type: ignore[attr-defined]
            kind__in=CHOICE_KINDS
        )

    def clean_code(self) -> str:
        code = nfkc(self.cleaned_data["code"]).strip()
        if not _CODE.match(code):
            raise forms.ValidationError(_("設問コードは半角英数字で入力してください（例：Q1）。"))
        return code

    def clean_options(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data.get("options", "").splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > 60:
            raise forms.ValidationError(_("選択肢は60個までです。"))
        if any(len(line) > 200 for line in lines):
            raise forms.ValidationError(_("選択肢は1つ200文字以内にしてください。"))
        return lines

    def clean_condition_numbers(self) -> list[int]:
        text = nfkc(self.cleaned_data.get("condition_numbers", ""))
        parts = [p for p in re.split(r"[\s,、，;]+", text) if p]
        if not all(p.isdigit() and len(p) <= 3 for p in parts):
            raise forms.ValidationError(_("選択肢の番号を数字で入力してください（例：1,2）。"))
        return [int(p) for p in parts]


class MethodForm(forms.Form):
    population = CleanCharField(
        label=_("調査対象（母集団）"),
        max_length=300,
        required=False,
        help_text=_("例：市内在住の18歳以上の人"),
    )
    population_size = LooseIntegerField(
        label=_("母集団の大きさ（人）"), required=False, min_value=0, max_value=100_000_000
    )
    sample_size = LooseIntegerField(
        label=_("標本数（配布数）"), required=False, min_value=0, max_value=100_000_000
    )
    sampling = forms.ChoiceField(label=_("抽出方法"), choices=Sampling.choices, required=False)
    mode = forms.ChoiceField(label=_("調査方法"), choices=Mode.choices, required=False)
    period_start = JapaneseDateField(label=_("調査期間（開始）"), required=False)
    period_end = JapaneseDateField(label=_("調査期間（終了）"), required=False)
    invitation_only = forms.BooleanField(
        label=_("招待コードを持つ人だけが回答できる（一人一回）"), required=False
    )
    featured_codes = CleanCharField(
        label=_("「市民活動の現状」に載せる設問コード（カンマ区切り、例：Q1,Q4）"),
        max_length=200,
        required=False,
    )


class InvitationForm(forms.Form):
    count = LooseIntegerField(label=_("発行する招待コードの数"), min_value=1, max_value=5000)


class InvitationCodeForm(forms.Form):
    code = CleanCharField(
        label=_("招待コード"),
        max_length=40,
        help_text=_("調査のご案内に印刷されている10文字のコードです。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


def field_name(question: Question) -> str:
    return f"q_{question.code}"


def other_name(question: Question) -> str:
    return f"q_{question.code}__other"


class AnswerForm(forms.Form):
    """The questionnaire as the respondent fills it in on the web."""

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            label = f"{q.code}．{q.text}"
            choices = [(str(o.number), o.label) for o in q.options.all()]
            help_text = ""
            if q.condition_question_id:
                help_text = _("%(code)sで「%(labels)s」と答えた方だけお答えください。") % {
                    "code": q.condition_question.code,  # type: ignore[union-attr]
                    "labels": "・".join(o.label for o in q.condition_options.all()),
                }
            field: forms.Field
            if q.kind == Kind.MULTIPLE:
                if q.max_choices:
                    help_text = f"{help_text} " + str(
                        _("%(k)dつまで選んでください。") % {"k": q.max_choices}
                    )
                field = forms.MultipleChoiceField(
                    choices=choices, widget=forms.CheckboxSelectMultiple, required=False
                )
            elif q.kind in CHOICE_KINDS:
                field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect, required=False)
            elif q.kind == Kind.NUMBER:
                field = LooseIntegerField(required=False, min_value=-(10**9), max_value=10**9)
            elif q.kind == Kind.DATE:
                field = JapaneseDateField(required=False)
            else:
                field = CleanCharField(
                    required=False, max_length=v.MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4})
                )
            field.label = label
            field.help_text = help_text.strip()
            self.fields[field_name(q)] = field
            if any(o.is_other for o in q.options.all()):
                self.fields[other_name(q)] = CleanCharField(
                    label=_("「その他」の内容（%(code)s）") % {"code": q.code},
                    required=False,
                    max_length=500,
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for q in self.questions:
            chosen = data.get(field_name(q))
            if q.kind == Kind.MULTIPLE and q.max_choices and chosen and len(chosen) > q.max_choices:
                self.add_error(
                    field_name(q), _("%(k)dつまで選んでください。") % {"k": q.max_choices}
                )
        return data

    def values(self) -> v.Values:
        data = self.cleaned_data
        out: v.Values = {}
        for q in self.questions:
            value = data.get(field_name(q))
            if value in (None, "", []):
                continue
            if q.kind in CHOICE_KINDS:
                out[q.code] = sorted(
                    int(n) for n in (value if isinstance(value, list) else [value])
                )
            elif q.kind == Kind.DATE:
                out[q.code] = value.isoformat()
            else:
                out[q.code] = str(value)
            other = data.get(other_name(q))
            if other:
                out[v.other_key(q)] = other
        return out

    @staticmethod
    def initial_from(values: v.Values, questions: list[Question]) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for q in questions:
            value = values.get(q.code)
            if value in (None, "", []):
                continue
            if q.kind == Kind.MULTIPLE:
                initial[field_name(q)] = [str(n) for n in value]
            elif q.kind in CHOICE_KINDS:
                initial[field_name(q)] = str(value[0])
            else:
                initial[field_name(q)] = value
            if values.get(v.other_key(q)):
                initial[other_name(q)] = values[v.other_key(q)]
        return initial


class KeyingForm(forms.Form):
    """The paper-keying screen: the paper's number, then one short text box per question,
    typed as on the paper (option numbers, 「1 3」 for several; blank for 無回答)."""

    paper_number = CleanCharField(
        label=_("調査票番号"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            if q.is_choice:
                numbers = [o.number for o in q.options.all()]
                hint = f"{min(numbers)}–{max(numbers)}" if numbers else ""
                if q.kind == Kind.MULTIPLE:
                    hint += str(_("、複数可"))
            else:
                hint = str(q.get_kind_display())
            attrs = {"autocomplete": "off"}
            if q.is_choice or q.kind == Kind.NUMBER:
                attrs["inputmode"] = "numeric"
            self.fields[field_name(q)] = forms.CharField(
                label=f"{q.code} {q.text}",
                required=False,
                help_text=hint,
                max_length=v.MAX_TEXT,
                widget=forms.TextInput(attrs=attrs),
                strip=False,
            )
            if any(o.is_other for o in q.options.all()):
                self.fields[other_name(q)] = CleanCharField(
                    label=_("%(code)s その他の内容") % {"code": q.code},
                    required=False,
                    max_length=500,
                    widget=forms.TextInput(attrs={"autocomplete": "off"}),
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parsed: v.Values = {}
        for q in self.questions:
            try:
                value = v.parse_typed(q, data.get(field_name(q), ""))
            except ValueError as exc:
                self.add_error(field_name(q), str(exc))
                continue
            if value not in (None, "", []):
                parsed[q.code] = value
            other = data.get(other_name(q))
            if other:
                parsed[v.other_key(q)] = other
        data["values"] = parsed
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSVまたはExcelファイル"),
        help_text=_(
            "1行目が見出し行：「調査票番号」と設問コード（Q1、Q2…）。値は紙の入力と同じく選択肢の番号です。"
        ),
    )
    skip_bad_rows = forms.BooleanField(
        label=_("問題のある行を飛ばして、正しい行だけ取り込む"), required=False
    )


class FreeTextSearchForm(forms.Form):
    q = CleanCharField(label=_("自由記述を検索"), required=False, max_length=100)


class CrossTabForm(forms.Form):
    column = forms.ModelChoiceField(label=_("集計する設問"), queryset=Question.objects.none())
    by = forms.ModelChoiceField(
        label=_("クロス集計の軸（属性など）"), queryset=Question.objects.none()
    )

    def __init__(self, *args: Any, edition: Edition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = edition.questions.filter(kind__in=CHOICE_KINDS)
        self.fields["column"].queryset = choices  # type: ignore[attr-defined]
        self.fields["by"].queryset = choices  # type: ignore[attr-defined]
