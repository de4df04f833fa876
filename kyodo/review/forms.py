"""Forms of the committee's pages. Bad input comes back next to its field, keeping what
was typed; the services re-check everything."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from typing import Any, overload

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kyodo.accounts.models import Role, User
from kyodo.japan.forms import (
    CleanCharField,
    JapaneseDateField,
    JapaneseTimeField,
    LooseIntegerField,
)
from kyodo.programmes.models import Call
from kyodo.review.models import (
    ROUND_CHOICES,
    CriteriaSet,
    Criterion,
    MemberKind,
    Normalisation,
    Outcome,
    PassRule,
    Recommendation,
    Score,
)

NA = "na"


def _text(label: Any, rows: int = 3, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


@overload
def _aware(day: dt.date, time: dt.time | None) -> dt.datetime: ...
@overload
def _aware(day: dt.date | None, time: dt.time | None) -> dt.datetime | None: ...
def _aware(day: dt.date | None, time: dt.time | None) -> dt.datetime | None:
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, time or dt.time(23, 59)))


class DeclarationForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=_("この提案との利害関係"),
        choices=[
            ("no", _("利害関係はありません")),
            ("yes", _("利害関係があります（この提案の審査に加わりません）")),
        ],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    reason = _text(_("利害関係の内容（ある場合は必須）"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # Form.clean() returns it; the stubs say Optional
        if data.get("has_conflict") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("利害関係の内容を書いてください。"))
        return data


class ScoreForm(forms.Form):
    """One field per criterion (the scale, plus 該当なし where allowed) and a comment each."""

    comment = _text(_("全体の所見（任意）"), rows=3)

    def __init__(
        self,
        *args: Any,
        criteria: list[Criterion],
        labels: dict[str, str] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        labels = labels or {}
        for c in criteria:
            choices = [
                (str(v), f"{v}（{labels[str(v)]}）" if labels.get(str(v)) else str(v))
                for v in c.choices
            ]
            if c.allow_na:
                choices.append((NA, str(_("該当なし"))))
            self.fields[f"c{c.pk}"] = forms.ChoiceField(
                label=c.name,
                help_text=c.question,
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"c{c.pk}_comment"] = forms.CharField(
                label=_("%(name)s へのコメント") % {"name": c.name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self) -> list[tuple[Criterion, Any, Any]]:
        return [(c, self[f"c{c.pk}"], self[f"c{c.pk}_comment"]) for c in self.criteria]

    def answers(self) -> dict[int, Any]:
        from kyodo.review.services import Answer

        out = {}
        for c in self.criteria:
            raw = self.cleaned_data.get(f"c{c.pk}") or ""
            out[c.pk] = Answer(
                value=int(raw) if raw not in ("", NA) else None,
                not_applicable=raw == NA,
                comment=self.cleaned_data.get(f"c{c.pk}_comment") or "",
            )
        return out

    @staticmethod
    def initial_from(scores: list[Score], comment: str) -> dict[str, Any]:
        initial: dict[str, Any] = {"comment": comment}
        for s in scores:
            initial[f"c{s.criterion_id}"] = (
                NA if s.not_applicable else (str(s.value) if s.value is not None else "")
            )
            initial[f"c{s.criterion_id}_comment"] = s.comment
        return initial


class CommitteeForm(forms.Form):
    call = forms.ModelChoiceField(
        label=_("募集"), queryset=Call.objects.filter(committee__isnull=True)
    )
    criteria_set = forms.ModelChoiceField(
        label=_("審査基準（委員会のページで写しを作って編集できます）"),
        queryset=CriteriaSet.objects.all(),
        required=False,
        empty_label=_("市の既定の審査基準"),
    )
    name = CleanCharField(
        label=_("委員会の名称（空欄なら募集名から付けます）"), required=False, max_length=200
    )


class DeadlineForm(forms.Form):
    document_day = JapaneseDateField(label=_("書類審査の採点締切日"), required=False)
    presentation_day = JapaneseDateField(
        label=_("プレゼンテーション後の採点締切日"), required=False
    )
    presentation_place = CleanCharField(
        label=_("公開プレゼンテーションの会場"), max_length=200, required=False
    )

    def data_for_service(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "document_deadline": _aware(d.get("document_day"), None),
            "presentation_deadline": _aware(d.get("presentation_day"), None),
            "presentation_place": d.get("presentation_place", ""),
        }


class MemberForm(forms.Form):
    email = forms.EmailField(label=_("委員のメールアドレス（委員として登録済みの方）"))
    kind = forms.ModelChoiceField(label=_("委員の区分"), queryset=MemberKind.objects.all())
    is_chair = forms.BooleanField(label=_("委員長"), required=False)

    def clean_email(self) -> User:
        email = self.cleaned_data["email"].lower()
        user = User.objects.filter(email=email, role_assignments__role=Role.COMMITTEE).first()
        if user is None:
            raise forms.ValidationError(_("委員の役割を持つ利用者が見つかりません。"))
        return user


class RevokeForm(forms.Form):
    reason = _text(_("取消しの理由"), required=True)


class SlotForm(forms.Form):
    order = forms.IntegerField(label=_("発表順"), min_value=1)
    day = JapaneseDateField(label=_("日付"))
    starts = JapaneseTimeField(label=_("開始時刻"), help_text=_("例：13:30"))
    ends = JapaneseTimeField(label=_("終了時刻"), help_text=_("例：13:50"))
    room = CleanCharField(label=_("会場"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # Form.clean() returns it; the stubs say Optional
        if data.get("starts") and data.get("ends") and data["ends"] <= data["starts"]:
            self.add_error("ends", _("終了は開始より後にしてください。"))
        return data


class AdviceForm(forms.Form):
    recommendation = forms.ChoiceField(
        label=_("答申の内容"), choices=Recommendation.choices, widget=forms.RadioSelect
    )
    note = _text(_("付帯意見（団体への通知と記録に残ります）"))
    review_comment = _text(_("講評（審査結果のページで公表します）"), rows=4)


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("市の決定"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    conditions = _text(_("採択の条件（条件付き採択のときは必須）"))
    reason = _text(_("不採択の理由（不採択のときは必須）"))
    rule_reason = _text(
        _(
            "採択の基準と異なる決定の理由（基準点未満で採択、または基準点以上で不採択のときは必須。"
            "審査結果とともに公表します）"
        )
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # Form.clean() returns it; the stubs say Optional
        outcome = data.get("outcome")
        if (
            outcome == Outcome.ADOPTED_WITH_CONDITIONS
            and not (data.get("conditions") or "").strip()
        ):
            self.add_error("conditions", _("採択の条件を書いてください。"))
        if outcome == Outcome.NOT_ADOPTED and not (data.get("reason") or "").strip():
            self.add_error("reason", _("不採択の理由を書いてください。"))
        return data


class BudgetForm(forms.Form):
    passed_on = JapaneseDateField(label=_("予算の成立日"), earliest=dt.date(2000, 1, 1))
    reason = _text(_("変更の理由（記録済みの成立日を変えるときは必須）"), rows=2)


class PublishForm(forms.Form):
    general_comment = _text(_("全体の講評（公表します）"), rows=4)


# --- the criteria of a committee (審査基準) ---------------------------------------------------


class LooseDecimalField(forms.DecimalField):
    """A decimal that accepts full-width digits (６０．５)."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = unicodedata.normalize("NFKC", value).replace(",", "").strip()
        return super().to_python(value)


class CriteriaChooseForm(forms.Form):
    source = forms.ModelChoiceField(
        label=_("もとにする審査基準（写しを作って、この委員会の審査基準にします）"),
        queryset=CriteriaSet.objects.order_by("name"),
        required=False,
        empty_label=_("市の既定の審査基準"),
    )


def parse_scale_labels(text: str) -> dict[str, str]:
    """'1=不十分' per line (＝, : and ： too, full-width digits too) → {"1": "不十分"}."""
    labels: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        line = unicodedata.normalize("NFKC", line).strip()
        if not line:
            continue
        match = re.match(r"^(-?\d{1,2})\s*[=:]\s*(.+)$", line)
        if match is None:
            raise forms.ValidationError(
                _("%(n)s行目：「1=不十分」のように、点数と意味を「=」でつないでください。"),
                params={"n": number},
            )
        labels[str(int(match.group(1)))] = match.group(2).strip()[:50]
    return labels


class CriteriaSettingsForm(forms.Form):
    name = CleanCharField(label=_("審査基準の名称"), max_length=200)
    scale_min = LooseIntegerField(label=_("最低点"), min_value=0, max_value=10)
    scale_max = LooseIntegerField(label=_("最高点"), min_value=1, max_value=100)
    scale_labels = forms.CharField(
        label=_("各点の意味（1行に1つ、「1=不十分」のように）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("委員の採点票に表示します。"),
    )
    normalisation = forms.ChoiceField(
        label=_("100点換算の方法"), choices=Normalisation.choices, widget=forms.RadioSelect
    )
    normalise_to = LooseIntegerField(label=_("換算の満点"), min_value=1, max_value=1000)
    pass_rule = forms.ChoiceField(
        label=_("採択の基準"), choices=PassRule.choices, widget=forms.RadioSelect
    )
    pass_line = LooseDecimalField(
        label=_("基準点"),
        required=False,
        min_value=0,
        max_digits=7,
        decimal_places=2,
        help_text=_("例：60（100点換算の平均が60点以上を基準以上とする）"),
    )
    rounds = forms.TypedChoiceField(
        label=_("採点の回数"),
        choices=ROUND_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )

    @classmethod
    def initial_for(cls, criteria_set: CriteriaSet) -> dict[str, Any]:
        labels = "\n".join(f"{n}={w}" for n, w in criteria_set.scale_words() if w)
        return {
            "name": criteria_set.name,
            "scale_min": criteria_set.scale_min,
            "scale_max": criteria_set.scale_max,
            "scale_labels": labels,
            "normalisation": criteria_set.normalisation,
            "normalise_to": criteria_set.normalise_to,
            "pass_rule": criteria_set.pass_rule,
            "pass_line": criteria_set.pass_line,
            "rounds": criteria_set.rounds,
        }

    def clean_scale_labels(self) -> dict[str, str]:
        return parse_scale_labels(self.cleaned_data.get("scale_labels") or "")


class CriterionForm(forms.Form):
    id = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1
    )
    name = CleanCharField(label=_("項目"), max_length=100, required=False)
    question = CleanCharField(label=_("着眼点（説明）"), max_length=300, required=False)
    weight = LooseDecimalField(
        label=_("重み"), min_value=Decimal("0.01"), max_digits=7, decimal_places=2, required=False
    )
    order = LooseIntegerField(label=_("表示順"), min_value=0, max_value=999, required=False)
    allow_na = forms.BooleanField(label=_("「該当なし」を選べる"), required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("name") and data.get("weight") is None and "weight" not in self.errors:
            self.add_error("weight", _("重みを入れてください（例：1）。"))
        return data


CriterionFormSet = forms.formset_factory(
    CriterionForm,
    extra=1,
    can_delete=True,
    max_num=30,
    validate_max=True,
    absolute_max=30,
)


# --- committee member kinds (委員の区分) -------------------------------------------------------


class MemberKindForm(forms.Form):
    id = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1
    )
    name = CleanCharField(label=_("委員の区分"), max_length=100, required=False)
    name_en = CleanCharField(label=_("英語の名称"), max_length=100, required=False)
    order = LooseIntegerField(label=_("表示順"), min_value=0, max_value=999, required=False)
    usual_count = LooseIntegerField(
        label=_("標準の人数"), min_value=0, max_value=99, required=False
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("id") and not data.get("name"):
            self.add_error("name", _("区分の名称を入れてください。"))
        return data


MemberKindFormSet = forms.formset_factory(
    MemberKindForm, extra=1, max_num=50, validate_max=True, absolute_max=50
)
