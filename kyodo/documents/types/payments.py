"""The grant's two notices: the decision (交付決定通知書) and the confirmation of the amount
(額の確定通知書), with the refund the group owes or the final payment it gets. Their numbers
are the funding record's own (from the locked sequence when the office decided). And the
group's 収支決算書 of a year: income and expenses, the approved budget beside the actual
line by line, the differences over the threshold with their explanations."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kyodo.documents.layout import Block, Document, fields, ijo, ki, paragraph, table
from kyodo.documents.registry import DocumentType, Issue, register
from kyodo.documents.types.common import day, mayor, nendo, safe_name, yen
from kyodo.payments.models import Funding
from kyodo.payments.selectors import ComparedRow, settlement_of
from kyodo.payments.services import paid_to_group


def _load(pk: int) -> Funding:
    return get_object_or_404(
        Funding.objects.select_related(
            "segment__project__group", "segment__project__course", "segment__project__section"
        ),
        pk=pk,
    )


def _addressee(funding: Funding) -> str:
    group = funding.segment.project.group
    return _("%(group)s 代表者 %(name)s 様") % {
        "group": group.name,
        "name": group.representative_name,
    }


def grant_decision(funding: Funding, issue: Issue) -> Document:
    segment = funding.segment
    project = segment.project
    return Document(
        kind="grant_decision",
        filename=f"{nendo(segment.fiscal_year)}_{_('補助金交付決定通知書')}_{safe_name(project.group.name)}",
        number=funding.decision_number,
        date=day(funding.decided_on) if funding.decided_on else "",
        addressee=_addressee(funding),
        sender=[mayor()],
        subject=_("%(year)s 協働事業補助金の交付決定について（通知）")
        % {"year": nendo(segment.fiscal_year)},
        blocks=[
            paragraph(
                _(
                    "%(applied)s付けで申請のあった補助金について、次のとおり交付することに決定したので通知します。"
                )
                % {"applied": day(funding.applied_on) if funding.applied_on else _("先日")}
            ),
            ki(),
            fields(
                [
                    (_("事業名"), project.title),
                    (_("事業番号"), project.number),
                    (_("コース"), project.course.name),
                    (_("交付申請額"), yen(funding.requested_amount)),
                    (_("交付決定額"), yen(funding.decided_amount)),
                    (
                        _("交付の条件"),
                        _(
                            "事業の内容や経費の配分を変更するときは、あらかじめ変更承認申請をすること。"
                            "事業が終わったときは、実績報告書と収支決算書を提出すること。"
                            "交付決定日より前の支出は、補助の対象としない。"
                        ),
                    ),
                ]
            ),
            ijo(),
        ],
    )


def amount_confirmation(funding: Funding, issue: Issue) -> Document:
    segment = funding.segment
    project = segment.project
    confirmed = funding.confirmed_amount or 0
    paid = paid_to_group(funding)
    rows = [
        (_("事業名"), project.title),
        (_("交付決定番号"), funding.decision_number),
        (_("交付決定額"), yen(funding.decided_amount)),
        (_("補助対象経費の実績額"), yen(funding.eligible_cost or funding.actual_cost or 0)),
        (_("交付確定額"), yen(confirmed)),
        (_("既に交付した額（概算払）"), yen(paid)),
    ]
    if paid > confirmed:
        rows.append((_("返還を求める額"), yen(paid - confirmed)))
        closing = paragraph(
            _(
                "既に交付した額が確定額を超えるため、その差額を、別に送付する納入通知書により返還してください。"
            )
        )
    else:
        rows.append((_("これから交付する額"), yen(confirmed - paid)))
        closing = paragraph(_("確定額から既に交付した額を差し引いた額を、請求により交付します。"))
    return Document(
        kind="amount_confirmation",
        filename=f"{nendo(segment.fiscal_year)}_{_('補助金の額の確定通知書')}_{safe_name(project.group.name)}",
        number=funding.confirmation_number,
        date=day(funding.confirmed_on) if funding.confirmed_on else "",
        addressee=_addressee(funding),
        sender=[mayor()],
        subject=_("%(year)s 協働事業補助金の額の確定について（通知）")
        % {"year": nendo(segment.fiscal_year)},
        blocks=[
            paragraph(
                _(
                    "実績報告書を審査した結果、交付すべき補助金の額を次のとおり確定したので通知します。"
                )
            ),
            ki(),
            fields(rows),
            closing,
            ijo(),
        ],
    )


def _signed(amount: int) -> str:
    if amount == 0:
        return yen(0)
    return ("＋" if amount > 0 else "△") + yen(abs(amount))  # △: the ledger's minus


def _compared(label: str, rows: list[ComparedRow], budget: int, actual: int) -> Block:
    return table(
        [label, _("予算額"), _("決算額"), _("増減"), _("備考（差額の説明）")],
        [
            [
                str(row.label),
                yen(row.budget),
                yen(row.actual),
                _signed(row.difference),
                (("※ " + (row.note or _("（説明なし）"))) if row.flagged else row.note),
            ]
            for row in rows
        ]
        or [["", "", "", "", ""]],
        widths=[6, 4, 4, 5, 9],
        numeric=[1, 2, 3],
        footer=[_("合計"), yen(budget), yen(actual), _signed(actual - budget), ""],
    )


def settlement(funding: Funding, issue: Issue) -> Document:
    segment = funding.segment
    project = segment.project
    group = project.group
    s = settlement_of(funding)
    expense_rows = [
        [
            line.category,
            line.description,
            yen(line.unit_price),
            str(line.quantity),
            yen(line.amount),
        ]
        for line in s.expense_lines
    ]
    return Document(
        kind="settlement",
        filename=f"{nendo(segment.fiscal_year)}_{_('収支決算書')}_{safe_name(group.name)}",
        date=day(funding.reported_on) if funding.reported_on else "",
        addressee=_("%(mayor)s 様") % {"mayor": mayor()},
        sender=[group.name, _("代表者 %(name)s") % {"name": group.representative_name}],
        subject=_("%(year)s 協働事業 収支決算書") % {"year": nendo(segment.fiscal_year)},
        blocks=[
            fields(
                [
                    (_("事業名"), project.title),
                    (_("事業番号"), project.number),
                    (_("コース"), project.course.name),
                    (_("交付決定番号"), funding.decision_number or "—"),
                ]
            ),
            paragraph(_("１　収入の部")),
            _compared(_("収入の種類"), s.income, s.budget_income_total, s.income_total),
            paragraph(_("２　支出の部")),
            _compared(_("費目"), s.expense, s.budget_expense_total, s.expense_total),
            paragraph(
                _("収支差額（収入－支出）：%(balance)s　※ は予算額との差が基準を超えた行")
                % {"balance": _signed(s.balance)}
            ),
            paragraph(_("３　支出の明細")),
            table(
                [_("費目"), _("内訳"), _("単価"), _("数量"), _("金額")],
                expense_rows or [["", "", "", "", ""]],
                widths=[3, 5, 2, 1, 2],
                numeric=[2, 3, 4],
                footer=[_("合計"), "", "", "", yen(s.expense_total)],
            ),
            paragraph(
                _("領収書 %(count)d 件（合計 %(total)s）を添付します。")
                % {
                    "count": len(s.unlinked) + sum(len(i.receipts) for i in s.by_line),
                    "total": yen(s.receipts_total),
                }
            ),
        ],
    )


register(
    DocumentType(
        key="settlement",
        label=gettext_lazy("収支決算書"),
        load=_load,
        permission="payments.view",
        build=settlement,
        order=97,
    )
)
register(
    DocumentType(
        key="grant_decision",
        label=gettext_lazy("補助金交付決定通知書"),
        load=_load,
        permission="payments.view",
        build=grant_decision,
        order=95,
    )
)
register(
    DocumentType(
        key="amount_confirmation",
        label=gettext_lazy("補助金の額の確定通知書"),
        load=_load,
        permission="payments.view",
        build=amount_confirmation,
        order=96,
    )
)
