"""Forms of the money section on the project page, one per step."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kyodo.japan.forms import CleanCharField, JapaneseDateField, YenField

DATE_HELP = _("例：2026-05-01、令和8年5月1日")


class ApplyForm(forms.Form):
    requested_amount = YenField(label=_("交付申請額（円）"))


class DecideForm(forms.Form):
    decided_amount = YenField(label=_("交付決定額（円）"))
    decided_on = JapaneseDateField(label=_("交付決定日"), help_text=DATE_HELP)


class AdvanceForm(forms.Form):
    amount = YenField(label=_("概算払の請求額（円）"))


class ChangeForm(forms.Form):
    new_amount = YenField(label=_("変更後の交付額（円）"))
    reason = CleanCharField(
        label=_("変更の理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReportForm(forms.Form):
    actual_cost = YenField(label=_("実際にかかった事業費（円）"))


class ReceiptForm(forms.Form):
    issued_on = JapaneseDateField(label=_("領収日"), help_text=DATE_HELP)
    amount = YenField(label=_("金額（円）"))
    description = CleanCharField(label=_("内容"), max_length=200)


class ConfirmForm(forms.Form):
    eligible_cost = YenField(label=_("対象経費（円）"))


class InstalmentForm(forms.Form):
    amount = YenField(label=_("支払額（円）"))
    due_on = JapaneseDateField(label=_("支払期日"), help_text=DATE_HELP)


class ReasonForm(forms.Form):
    reason = CleanCharField(
        label=_("理由（相手方に表示されます）"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
