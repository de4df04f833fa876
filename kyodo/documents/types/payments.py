"""The grant's two notices: the decision (交付決定通知書) and the confirmation of the amount
(額の確定通知書), with the refund the group owes or the final payment it gets. Their numbers
are the funding record's own (from the locked sequence when the office decided)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kyodo.documents.layout import Document, fields, ijo, ki, paragraph
from kyodo.documents.registry import DocumentType, Issue, register
from kyodo.documents.types.common import day, mayor, nendo, safe_name, yen
from kyodo.payments.models import Funding
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
