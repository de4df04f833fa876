"""Forms of the money section on the project page, one per step."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils import timezone
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


class ReceiptForm(forms.Form):
    issued_on = JapaneseDateField(label=_("領収日"), help_text=DATE_HELP)
    amount = YenField(label=_("金額（円）"))
    description = CleanCharField(label=_("内容（支払先・品名）"), max_length=200)
    line = forms.TypedChoiceField(
        label=_("支出の行"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("この領収書で支払った収支決算書の支出の行（分からなければ空欄）"),
    )
    file = forms.FileField(
        label=_("領収書のファイル"), help_text=_("PDF・PNG・JPEG（写真でも可。10MBまで）")
    )

    def __init__(self, *args: Any, lines: Sequence[Any] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = cast("forms.TypedChoiceField", self.fields["line"])
        field.choices = [("", "---------"), *((line.pk, str(line)) for line in lines)]


class DifferenceNotesForm(forms.Form):
    """One explanation per compared line over the threshold (fields note-<n>)."""

    def __init__(self, *args: Any, rows: Sequence[Any] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.rows = {}
        for number, row in enumerate(rows, start=1):
            name = f"note-{number}"
            self.rows[name] = row
            self.fields[name] = CleanCharField(
                label=_("%(line)s の差額 %(diff)s の理由")
                % {"line": row.label, "diff": f"{row.difference:+,}円"},
                required=False,
                max_length=2000,
                initial=row.note,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def notes(self) -> dict[tuple[str, str], str]:
        return {
            (row.kind, row.key): self.cleaned_data.get(name) or ""
            for name, row in self.rows.items()
        }


class ConfirmForm(forms.Form):
    eligible_cost = YenField(label=_("対象経費（円）"))


class InstalmentForm(forms.Form):
    amount = YenField(label=_("支払額（円）"))
    due_on = JapaneseDateField(label=_("支払期日"), help_text=DATE_HELP)


class PayForm(forms.Form):
    """The day the money moved: the city's payment, or a refund received back. Today unless
    told; never before the claim, never in the future."""

    paid_on = JapaneseDateField(label=_("支払日（返還を受けた日）"), help_text=DATE_HELP)

    def __init__(self, *args: Any, payment: Any = None, **kwargs: Any) -> None:
        today = timezone.localdate()
        kwargs.setdefault("initial", {"paid_on": today})
        super().__init__(*args, **kwargs)
        field = cast(JapaneseDateField, self.fields["paid_on"])
        field.latest = today
        if payment is not None and payment.claimed_on:
            field.earliest = payment.claimed_on
