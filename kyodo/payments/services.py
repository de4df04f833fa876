"""Every write to a project year's money. Figures are checked here, against the limits of
kyodo.payments.rules (the approved amount, the cap, the share of cost — never the amount
requested), before the move on the engine (kyodo.payments.workflow) records them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from kyodo.accounts.models import User
from kyodo.audit.services import audit_record
from kyodo.core.errors import DomainError
from kyodo.core.permissions import authorize
from kyodo.payments import rules, workflow
from kyodo.payments.models import Funding, Payment, PaymentKind, Receipt
from kyodo.projects.models import Project, ProjectYear

TO_GROUP = (PaymentKind.ADVANCE, PaymentKind.INSTALMENT, PaymentKind.FINAL)


def funding_of(segment: ProjectYear) -> Funding:
    """The money of a project year (made the first time it is asked for)."""
    funding, _created = Funding.objects.get_or_create(segment=segment)
    return funding


def fundings_for(project: Project) -> list[Funding]:
    return [funding_of(s) for s in project.segments.order_by("year_index")]


def _yen(amount: int) -> str:
    return f"{amount:,}円"


def _within(funding: Funding, amount: int, field: str) -> None:
    """Refuse an amount over any limit of the year, naming the limit and its figure."""
    segment, course = funding.segment, funding.segment.project.course
    for limit in rules.limits(segment, course):
        if amount > limit.amount:
            raise DomainError(
                _("%(amount)s は%(label)s %(limit)s を超えています。")
                % {"amount": _yen(amount), "label": limit.label, "limit": _yen(limit.amount)},
                field=field,
            )


def paid_to_group(funding: Funding) -> int:
    return (
        funding.payments.filter(kind__in=TO_GROUP, status=workflow.PAID).aggregate(n=Sum("amount"))[
            "n"
        ]
        or 0
    )


def advances_claimed(funding: Funding) -> int:
    return (
        funding.payments.filter(kind=PaymentKind.ADVANCE)
        .exclude(status=workflow.REFUSED)
        .aggregate(n=Sum("amount"))["n"]
        or 0
    )


def _locked(funding: Funding) -> Funding:
    return (
        Funding.objects.select_for_update(of=("self",))
        .select_related("segment__project__course", "segment__project__group")
        .get(pk=funding.pk)
    )


def _require_grant(funding: Funding) -> None:
    if not rules.is_grant(funding.segment.project.course):
        raise DomainError(_("負担金のコースには交付申請・概算払はありません。"))


@transaction.atomic
def funding_apply(*, actor: User, funding: Funding, requested_amount: int) -> Funding:
    """交付申請: the group asks for the year's grant."""
    locked = _locked(funding)
    authorize(actor, "payments.act_as_group", locked)
    _require_grant(locked)
    _within(locked, requested_amount, "requested_amount")
    return workflow.FUNDING.transition(
        actor=actor, obj=locked, action="apply", by_service=True, requested_amount=requested_amount
    )


@transaction.atomic
def funding_decide(
    *, actor: User, funding: Funding, decided_amount: int, decided_on: dt.date
) -> Funding:
    """交付決定 (a grant, after the application) or the year's share fixed (負担金)."""
    locked = _locked(funding)
    authorize(actor, "payments.decide", locked)
    if rules.is_grant(locked.segment.project.course) and locked.status != workflow.APPLIED:
        raise DomainError(_("交付決定は交付申請を受けてから行います。"))
    _within(locked, decided_amount, "decided_amount")
    return workflow.FUNDING.transition(
        actor=actor,
        obj=locked,
        action="decide",
        by_service=True,
        decided_amount=decided_amount,
        decided_on=decided_on,
    )


@transaction.atomic
def advance_claim(*, actor: User, funding: Funding, amount: int) -> Payment:
    """概算払の請求: at most the course's share of the decided grant, in all."""
    locked = _locked(funding)
    authorize(actor, "payments.act_as_group", locked)
    _require_grant(locked)
    if locked.status not in (workflow.DECIDED, workflow.CHANGE_REQUESTED):
        raise DomainError(_("概算払は交付決定の後、実績報告の前に請求できます。"))
    if amount <= 0:
        raise DomainError(_("1円以上の金額を入力してください。"), field="amount")
    _within(locked, amount, "amount")
    limit = rules.advance_limit(locked.decided_amount, locked.segment.project.course)
    already = advances_claimed(locked)
    if already + amount > limit:
        raise DomainError(
            _("概算払の上限は %(limit)s です（請求済み %(already)s、あと %(left)s まで）。")
            % {"limit": _yen(limit), "already": _yen(already), "left": _yen(limit - already)},
            field="amount",
        )
    payment = Payment.objects.create(funding=locked, kind=PaymentKind.ADVANCE, amount=amount)
    workflow.PAYMENT.transition(actor=actor, obj=payment, action="claim", by_service=True)
    return payment


@transaction.atomic
def instalment_set(*, actor: User, funding: Funding, amount: int, due_on: dt.date) -> Payment:
    """負担金: one instalment of the year's share, with its due date (set by the office)."""
    locked = _locked(funding)
    authorize(actor, "payments.decide", locked)
    if rules.is_grant(locked.segment.project.course):
        raise DomainError(_("補助金のコースは概算払と精算払で支払います。"))
    if locked.status not in (workflow.PREPARING, workflow.DECIDED):
        raise DomainError(_("支払の予定は実績報告の前に決めます。"))
    if amount <= 0:
        raise DomainError(_("1円以上の金額を入力してください。"), field="amount")
    planned = (
        locked.payments.filter(kind=PaymentKind.INSTALMENT)
        .exclude(status=workflow.REFUSED)
        .aggregate(n=Sum("amount"))["n"]
        or 0
    )
    _within(locked, planned + amount, "amount")
    payment = Payment.objects.create(
        funding=locked, kind=PaymentKind.INSTALMENT, amount=amount, due_on=due_on
    )
    audit_record(
        actor=actor,
        action="payment.schedule",
        target=payment,
        changes={"amount": [None, amount], "due_on": [None, due_on.isoformat()]},
    )
    return payment


@transaction.atomic
def change_request(*, actor: User, funding: Funding, new_amount: int, reason: str) -> Funding:
    """変更承認申請; a change under the course's minor-change share is recorded at once."""
    locked = _locked(funding)
    authorize(actor, "payments.act_as_group", locked)
    if locked.status != workflow.DECIDED:
        raise DomainError(_("変更は交付決定の後、実績報告の前に申請できます。"))
    _within(locked, new_amount, "new_amount")
    if new_amount < advances_claimed(locked):
        raise DomainError(_("請求済みの概算払より少なくはできません。"), field="new_amount")
    course = locked.segment.project.course
    if rules.is_minor_change(
        course=course, decided_amount=locked.decided_amount, new_amount=new_amount
    ):
        before = locked.decided_amount
        locked.decided_amount = new_amount
        locked.save(update_fields=["decided_amount", "updated_at"])
        audit_record(
            actor=actor,
            action="funding.minor_change",
            target=locked,
            summary=reason,
            changes={"decided_amount": [before, new_amount]},
        )
        return locked
    return workflow.FUNDING.transition(
        actor=actor,
        obj=locked,
        action="request_change",
        reason=reason,
        by_service=True,
        change_amount=new_amount,
    )


@transaction.atomic
def funding_report(*, actor: User, funding: Funding, actual_cost: int) -> Funding:
    """The results report's figure: the year's actual cost, entered with the settlement."""
    locked = _locked(funding)
    authorize(actor, "payments.act_as_group", locked)
    return workflow.FUNDING.transition(
        actor=actor, obj=locked, action="report", by_service=True, actual_cost=actual_cost
    )


@transaction.atomic
def receipt_add(
    *, actor: User, funding: Funding, issued_on: dt.date, amount: int, description: str
) -> Receipt:
    locked = _locked(funding)
    authorize(actor, "payments.act_as_group", locked)
    if locked.status in (workflow.CONFIRMED, workflow.SETTLED):
        raise DomainError(_("額の確定の後は領収書を追加できません。"))
    receipt = Receipt.objects.create(
        funding=locked, issued_on=issued_on, amount=amount, description=description
    )
    audit_record(
        actor=actor,
        action="funding.receipt_add",
        target=locked,
        changes={"receipt": [None, f"{issued_on.isoformat()} {amount}"]},
    )
    return receipt


@transaction.atomic
def funding_confirm(*, actor: User, funding: Funding, eligible_cost: int) -> Funding:
    """額の確定, then the final payment or the refund (返還 = paid − confirmed)."""
    locked = _locked(funding)
    authorize(actor, "payments.decide", locked)
    if locked.actual_cost is None or eligible_cost > locked.actual_cost:
        raise DomainError(
            _("対象経費は実績報告の事業費（%(cost)s）以下にしてください。")
            % {"cost": _yen(locked.actual_cost or 0)},
            field="eligible_cost",
        )
    if locked.payments.filter(status=workflow.CLAIMED).exists():
        raise DomainError(_("支払待ちの請求を片付けてから額を確定してください。"))
    segment = locked.segment
    confirmed = rules.confirmed_amount(
        course=segment.project.course,
        year_index=segment.year_index,
        eligible_cost=eligible_cost,
        decided_amount=locked.decided_amount,
    )
    locked = workflow.FUNDING.transition(
        actor=actor,
        obj=locked,
        action="confirm",
        by_service=True,
        eligible_cost=eligible_cost,
        confirmed_amount=confirmed,
    )
    settlement_payment(funding=locked, actor=actor)
    return locked


def settlement_payment(*, funding: Funding, actor: Any) -> Payment | None:
    """What is left to pay the group, or to be returned; the year is settled when nothing."""
    balance = (funding.confirmed_amount or 0) - paid_to_group(funding)
    if balance == 0:
        workflow.FUNDING.transition(actor=actor, obj=funding, action="settle", by_service=True)
        return None
    if balance > 0:
        return Payment.objects.create(funding=funding, kind=PaymentKind.FINAL, amount=balance)
    refund = Payment.objects.create(funding=funding, kind=PaymentKind.REFUND, amount=-balance)
    # The confirmation notice is the demand: the refund is asked for at once.
    workflow.PAYMENT.transition(actor=actor, obj=refund, action="claim", by_service=True)
    return refund


def settle_when_paid(*, payment: Payment, actor: Any) -> None:
    if payment.kind in (PaymentKind.FINAL, PaymentKind.REFUND):
        funding = payment.funding
        if funding.status == workflow.CONFIRMED:
            workflow.FUNDING.transition(actor=actor, obj=funding, action="settle", by_service=True)


def funding_transition(*, actor: User, funding: Funding, action: str, reason: str = "") -> Funding:
    return workflow.FUNDING.transition(actor=actor, obj=funding, action=action, reason=reason)


def payment_transition(*, actor: User, payment: Payment, action: str, reason: str = "") -> Payment:
    return workflow.PAYMENT.transition(actor=actor, obj=payment, action=action, reason=reason)
