"""Money of a project year, as the city's grant rules run it.

A `Funding` is the money of one project year (kyodo.projects.ProjectYear): for a grant
course (補助金) the application, the decision with its number, the change approvals, the
actual cost reported with the settlement, the confirmation of the amount and the final
payment or refund; for a share course (負担金) the instalments the office sets, then the
same settlement. Each `Payment` is one sum moving between the city and the group (an
advance, an instalment, the final payment, a refund). Their statuses move only through
kyodo.payments.workflow; the arithmetic lives in kyodo.payments.rules.

The settlement (収支決算書) of a year is its `SettlementLine`s, shaped as the proposal's
budget lines (income by IncomeSource, expenses by category as unit price × quantity) so that
the same table form enters both; a `DifferenceNote` explains a compared line whose
difference from the approved budget is over the course's threshold; `Receipt`s carry their
scans (`ReceiptFile`) and may name the expense line they pay for. The settlement is the
Funding's results report: submitting it makes its expense total the actual cost.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from kyodo.core.models import StoredUpload
from kyodo.projects.models import ProjectYear
from kyodo.proposals.models import BudgetKind, IncomeSource


class Funding(models.Model):
    segment = models.OneToOneField(ProjectYear, on_delete=models.CASCADE, related_name="funding")
    status = models.CharField(_("状態"), max_length=30, default="preparing", db_index=True)
    requested_amount = models.PositiveIntegerField(_("交付申請額（円）"), default=0)
    applied_on = models.DateField(_("交付申請日"), null=True, blank=True)
    decided_amount = models.PositiveIntegerField(_("交付決定額（円）"), default=0)
    decision_number = models.CharField(_("交付決定番号"), max_length=20, blank=True)
    decided_on = models.DateField(_("交付決定日"), null=True, blank=True)
    # A pending change approval request (変更承認申請): the amount asked for and why.
    change_amount = models.PositiveIntegerField(_("変更後の申請額（円）"), null=True, blank=True)
    change_reason = models.TextField(_("変更の理由"), blank=True)
    actual_cost = models.PositiveIntegerField(
        _("実際にかかった事業費（円）"), null=True, blank=True
    )
    reported_on = models.DateField(_("実績報告日"), null=True, blank=True)
    eligible_cost = models.PositiveIntegerField(_("対象経費（円）"), null=True, blank=True)
    confirmed_amount = models.PositiveIntegerField(_("確定額（円）"), null=True, blank=True)
    confirmation_number = models.CharField(_("額の確定番号"), max_length=20, blank=True)
    confirmed_on = models.DateField(_("額の確定日"), null=True, blank=True)
    # Why the city last returned the application or the results report (shown to the group).
    return_reason = models.TextField(_("差戻しの理由"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["segment"]
        verbose_name = _("事業年度のお金")
        verbose_name_plural = _("事業年度のお金")

    def __str__(self) -> str:
        return str(self.segment)


class PaymentKind(models.TextChoices):
    ADVANCE = "advance", _("概算払")
    INSTALMENT = "instalment", _("負担金の支払")
    FINAL = "final", _("精算払")
    REFUND = "refund", _("返還")


class Payment(models.Model):
    """One sum: to the group (advance, instalment, final) or back to the city (refund)."""

    funding = models.ForeignKey(Funding, on_delete=models.CASCADE, related_name="payments")
    kind = models.CharField(_("種類"), max_length=20, choices=PaymentKind.choices)
    status = models.CharField(_("状態"), max_length=30, default="scheduled", db_index=True)
    amount = models.PositiveIntegerField(_("金額（円）"))
    due_on = models.DateField(_("支払期日"), null=True, blank=True)
    claimed_on = models.DateField(_("請求日"), null=True, blank=True)
    paid_on = models.DateField(_("支払日（返還日）"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["funding", "pk"]
        verbose_name = _("支払")
        verbose_name_plural = _("支払")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount:,}円"

    @property
    def state_label(self) -> Any:
        from kyodo.payments.workflow import PAYMENT

        return PAYMENT.states[self.status].staff_label

    @property
    def to_city(self) -> bool:
        return self.kind == PaymentKind.REFUND


class SettlementLine(models.Model):
    """One line of a year's 収支決算書, shaped as kyodo.proposals.BudgetLine: income by its
    source, expenses by category as unit price × quantity (the amount computed, never
    typed)."""

    funding = models.ForeignKey(Funding, on_delete=models.CASCADE, related_name="settlement_lines")
    kind = models.CharField(_("収入・支出"), max_length=10, choices=BudgetKind.choices)
    category = models.CharField(_("区分"), max_length=50)
    source = models.CharField(
        _("収入の種類"), max_length=20, choices=IncomeSource.choices, blank=True
    )
    description = models.CharField(_("内訳"), max_length=200, blank=True)
    unit_price = models.PositiveIntegerField(_("単価（円）"), default=0)
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    amount = models.PositiveIntegerField(_("金額（円）"), default=0)

    class Meta:
        ordering = ["funding", "kind", "pk"]
        verbose_name = _("決算の行")
        verbose_name_plural = _("決算の行")

    def __str__(self) -> str:
        label = self.description or self.category
        return f"{label} {self.amount:,}円"


class DifferenceNote(models.Model):
    """The group's explanation of one compared line (an income source or an expense
    category) whose actual differs from the approved budget by more than the threshold."""

    funding = models.ForeignKey(Funding, on_delete=models.CASCADE, related_name="difference_notes")
    kind = models.CharField(_("収入・支出"), max_length=10, choices=BudgetKind.choices)
    key = models.CharField(_("区分"), max_length=50)
    text = models.TextField(_("差額の理由"))

    class Meta:
        ordering = ["funding", "kind", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["funding", "kind", "key"], name="difference_note_unique"
            )
        ]
        verbose_name = _("差額の説明")
        verbose_name_plural = _("差額の説明")

    def __str__(self) -> str:
        return self.key


class Receipt(models.Model):
    """A receipt of the year's expenses: one dated before the decision is flagged."""

    funding = models.ForeignKey(Funding, on_delete=models.CASCADE, related_name="receipts")
    # The expense line it pays for (optional: kept across a re-save of the same line).
    line = models.ForeignKey(
        SettlementLine,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="receipts",
        verbose_name=_("支出の行"),
    )
    issued_on = models.DateField(_("領収日"))
    amount = models.PositiveIntegerField(_("金額（円）"))
    description = models.CharField(_("内容"), max_length=200)

    class Meta:
        ordering = ["funding", "issued_on", "pk"]
        verbose_name = _("領収書")
        verbose_name_plural = _("領収書")

    def __str__(self) -> str:
        return self.description

    @property
    def before_decision(self) -> bool:
        decided = self.funding.decided_on
        return decided is not None and self.issued_on < decided


class ReceiptFile(StoredUpload):
    """The scan or photo of a receipt (kyodo.core.files checks the type from its bytes)."""

    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("ファイル"), upload_to="receipts/%Y/%m/")

    class Meta:
        ordering = ["receipt", "pk"]
        verbose_name = _("領収書のファイル")
        verbose_name_plural = _("領収書のファイル")

    def __str__(self) -> str:
        return self.original_name
