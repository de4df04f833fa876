"""Forms of the evaluation. The targets', the evaluation's and the meeting's fields follow
the programme's settings (plan fields, axes, the meeting's agenda)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kyodo.accounts.models import Section
from kyodo.core.editing import VersionField
from kyodo.evaluation.models import Outcome, Scheme
from kyodo.japan.forms import CleanCharField, JapaneseDateField, LooseIntegerField, YenField

DATE_HELP = _("例：2027-05-20、令和9年5月20日")


def _text(label: Any, *, required: bool = True, rows: int = 3, **kwargs: Any) -> CleanCharField:
    return CleanCharField(
        label=label,
        required=required,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kwargs,
    )


class TargetsForm(forms.Form):
    """One text per plan field (目標とする成果, 活動指標 …), in the programme's order."""

    version = VersionField()

    def __init__(self, *args: Any, plan_fields: list[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.plan_fields = plan_fields
        for index, name in enumerate(plan_fields):
            self.fields[f"field_{index}"] = _text(name, required=False)

    @staticmethod
    def initial_for(plan: Any, plan_fields: list[str]) -> dict[str, Any]:
        values = plan.values or {}
        initial: dict[str, Any] = {
            f"field_{i}": values.get(n, "") for i, n in enumerate(plan_fields)
        }
        initial["version"] = plan.version
        return initial

    def values(self) -> dict[str, str]:
        return {
            name: self.cleaned_data.get(f"field_{index}") or ""
            for index, name in enumerate(self.plan_fields)
        }


class EvaluationForm(forms.Form):
    """A score on the programme's scale and a reason for each axis, and an overall comment."""

    version = VersionField()

    def __init__(self, *args: Any, scheme: Scheme, axes: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.axes = axes
        choices = [("", _("（未評価）")), *((str(p), scheme.label(p)) for p in scheme.points)]
        threshold = scheme.label(scheme.reason_at_or_below)
        for axis in axes:
            self.fields[f"score_{axis.pk}"] = forms.TypedChoiceField(
                label=axis.label,
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.fields[f"reason_{axis.pk}"] = _text(
                _("「%(axis)s」の理由") % {"axis": axis.label},
                required=False,
                rows=2,
                help_text=_("%(point)s以下の評価には理由が必要です。") % {"point": threshold},
            )
        self.fields["comment"] = _text(_("総評"), required=False)

    @staticmethod
    def initial_for(evaluation: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {"version": evaluation.version, "comment": evaluation.comment}
        for score in evaluation.scores.all():
            initial[f"score_{score.axis_id}"] = "" if score.score is None else str(score.score)
            initial[f"reason_{score.axis_id}"] = score.reason
        return initial

    def pairs(self) -> list[tuple[Any, Any, Any]]:
        """(axis, score field, reason field) for the template."""
        return [(a, self[f"score_{a.pk}"], self[f"reason_{a.pk}"]) for a in self.axes]


class MeetingForm(forms.Form):
    """The record of the mutual review meeting; one discussion per item of the agenda."""

    version = VersionField()
    held_on = JapaneseDateField(label=_("開催日"), help_text=DATE_HELP)
    attendees = _text(_("出席者"), rows=2)

    def __init__(self, *args: Any, agenda: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.agenda = agenda
        for row in agenda:
            self.fields[f"discussion_{row.axis.key}"] = _text(
                _("議題「%(axis)s」の協議の内容") % {"axis": row.axis.label}
            )
        self.fields["conclusion"] = _text(_("結論"))

    def discussions(self) -> dict[str, str]:
        return {
            row.axis.key: self.cleaned_data.get(f"discussion_{row.axis.key}") or ""
            for row in self.agenda
        }


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("評価の結果"), widget=forms.RadioSelect)
    reason = _text(_("理由"))
    reflection = _text(
        _("次年度への反映（公開）"),
        help_text=_("評価をどのように次年度に反映するか。公開のページに載ります。"),
    )

    def __init__(self, *args: Any, scheme: Scheme, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in Outcome.choices if value in scheme.outcomes
        ]


class BudgetLineForm(forms.Form):
    version = VersionField()
    section = forms.ModelChoiceField(
        label=_("要求する課"),
        queryset=Section.objects.current().select_related("division"),
        required=False,
    )
    amount = YenField(label=_("要求額（円）"))
    basis = _text(_("積算の根拠"))


class PassForm(forms.Form):
    passed_on = JapaneseDateField(label=_("予算の成立日"), help_text=DATE_HELP)


class SchemeForm(forms.Form):
    scale_min = LooseIntegerField(label=_("最低の段階"), min_value=0, max_value=100)
    scale_max = LooseIntegerField(label=_("最高の段階"), min_value=1, max_value=100)
    as_planned = LooseIntegerField(
        label=_("「計画どおり」の段階"), required=False, min_value=0, max_value=100
    )
    scale_labels = _text(
        _("各段階の表示"),
        required=False,
        help_text=_("1行に1つ「段階=表示」と書きます（例：4=A）。空の段階は数字で表示します。"),
    )
    reason_at_or_below = LooseIntegerField(
        label=_("理由の記入が必要な段階（この段階以下）"), min_value=0, max_value=100
    )
    difference_steps = LooseIntegerField(
        label=_("相互評価会議の議題にする評価の差（段階）"), min_value=1, max_value=100
    )
    plan_fields = _text(_("目標の項目（1行に1つ）"), rows=6)
    outcomes = forms.MultipleChoiceField(
        label=_("使う評価結果"), choices=Outcome.choices, widget=forms.CheckboxSelectMultiple
    )

    def clean_scale_labels(self) -> dict[str, str]:
        labels: dict[str, str] = {}
        for line in (self.cleaned_data.get("scale_labels") or "").splitlines():
            if not line.strip():
                continue
            point, sep, text = line.partition("=")
            if not sep or not point.strip().lstrip("-").isdigit() or not text.strip():
                raise forms.ValidationError(
                    _("「4=A」のように、段階と表示を「=」でつないでください。")
                )
            labels[str(int(point.strip()))] = text.strip()[:20]
        return labels

    def clean_plan_fields(self) -> list[str]:
        text = self.cleaned_data.get("plan_fields") or ""
        names = [line.strip()[:100] for line in text.splitlines() if line.strip()]
        return list(dict.fromkeys(names))

    @staticmethod
    def initial_for(scheme: Scheme) -> dict[str, Any]:
        return {
            "scale_min": scheme.scale_min,
            "scale_max": scheme.scale_max,
            "as_planned": scheme.as_planned,
            "scale_labels": "\n".join(
                f"{k}={v}"
                for k, v in sorted((scheme.scale_labels or {}).items(), key=lambda kv: int(kv[0]))
            ),
            "reason_at_or_below": scheme.reason_at_or_below,
            "difference_steps": scheme.difference_steps,
            "plan_fields": "\n".join(scheme.plan_fields),
            "outcomes": list(scheme.outcomes),
        }


class AxisForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = CleanCharField(label=_("評価の観点"), max_length=200, required=False)
    name_en = CleanCharField(label=_("英語の名称"), max_length=200, required=False)
    order = LooseIntegerField(label=_("表示順"), required=False, max_value=999)
    DELETE = forms.BooleanField(label=_("削除"), required=False)


AxisFormSet = forms.formset_factory(AxisForm, extra=1)
