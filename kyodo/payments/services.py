"""Every write to a project year's money. Figures are checked here, against the limits of
kyodo.payments.rules (the approved amount, the cap, the share of cost — never the amount
requested), before the move on the engine (kyodo.payments.workflow) records them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from kyodo.accounts.models import User
from kyodo.audit.services import audit_record
from kyodo.core.errors import DomainError
from kyodo.core.permissions import authorize
from kyodo.japan.numbers import format_yen
from kyodo.payments import rules, workflow
from kyodo.payments.models import (
    DifferenceNote,
    Funding,
    Payment,
    PaymentKind,
    Receipt,
    ReceiptFile,
    SettlementLine,
)
from kyodo.projects.models import Project, ProjectYear
from kyodo.proposals.models import BudgetKind
from kyodo.proposals.services import budget_line_fields

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


# --- the settlement (収支決算書): the results report's figures ------------------------------


def _line_text(line: SettlementLine) -> str:
    if line.kind == BudgetKind.EXPENSE:
        return _("支出 %(cat)s %(desc)s %(price)s×%(qty)d＝%(amount)s") % {
            "cat": line.category,
            "desc": line.description,
            "price": format_yen(line.unit_price),
            "qty": line.quantity,
            "amount": format_yen(line.amount),
        }
    return _("収入 %(cat)s %(desc)s %(amount)s") % {
        "cat": line.category,
        "desc": line.description,
        "amount": format_yen(line.amount),
    }


@transaction.atomic
def settlement_replace(
    *, actor: User, funding: Funding, lines: list[dict[str, Any]]
) -> list[SettlementLine]:
    """Replace the year's settlement with these rows (forms.BudgetTables.lines()), saved as
    the proposal's budget is (proposals.services.budget_line_fields). A receipt tied to an
    expense line stays tied to the new line of the same category and description."""
    locked = _locked(funding)
    authorize(actor, "payments.edit_settlement", locked)
    old = list(locked.settlement_lines.all())
    before = [_line_text(line) for line in old]
    by_pk = {line.pk: line for line in old}
    ties = {
        r.pk: (by_pk[r.line_id].category, by_pk[r.line_id].description)
        for r in locked.receipts.all()
        if r.line_id in by_pk
    }
    fresh = [SettlementLine(funding=locked, **budget_line_fields(values)) for values in lines]
    locked.settlement_lines.all().delete()
    created = SettlementLine.objects.bulk_create(fresh)
    expense_by_key: dict[tuple[str, str], SettlementLine] = {}
    for line in created:
        if line.kind == BudgetKind.EXPENSE:
            expense_by_key.setdefault((line.category, line.description), line)
    for receipt_pk, key in ties.items():
        if key in expense_by_key:
            Receipt.objects.filter(pk=receipt_pk).update(line=expense_by_key[key])
    after = [_line_text(line) for line in created]
    if before != after:
        audit_record(
            actor=actor,
            action="funding.settlement",
            target=locked,
            changes={"settlement": [before, after]},
        )
    return created


@transaction.atomic
def settlement_explain(*, actor: User, funding: Funding, notes: dict[tuple[str, str], str]) -> None:
    """The group's explanations of the lines over the threshold, by (kind, key); an empty
    text removes the line's explanation."""
    from kyodo.payments.selectors import settlement_of

    locked = _locked(funding)
    authorize(actor, "payments.edit_settlement", locked)
    flagged = {(row.kind, row.key) for row in settlement_of(locked).rows if row.flagged}
    existing = {(n.kind, n.key): n for n in locked.difference_notes.all()}
    changes: dict[str, list[Any]] = {}
    for (kind, key), text in notes.items():
        if (kind, key) not in flagged:
            continue
        note = existing.get((kind, key))
        before = note.text if note else ""
        if text == before:
            continue
        if not text:
            assert note is not None
            note.delete()
        elif note is None:
            DifferenceNote.objects.create(funding=locked, kind=kind, key=key, text=text)
        else:
            note.text = text
            note.save(update_fields=["text"])
        changes[f"{kind}:{key}"] = [before, text]
    if changes:
        audit_record(actor=actor, action="funding.explain", target=locked, changes=changes)


@transaction.atomic
def settlement_submit(*, actor: User, funding: Funding) -> Funding:
    """The results report (実績報告): the settlement goes to the office, its expense total
    becoming the year's actual cost, once every line over the threshold is explained."""
    from kyodo.payments.selectors import settlement_of

    locked = _locked(funding)
    authorize(actor, "payments.act_as_group", locked)
    if locked.status != workflow.DECIDED:
        raise DomainError(_("収支決算書は、交付決定（負担額の決定）の後に提出できます。"))
    settlement = settlement_of(locked)
    if not settlement.expense_lines:
        raise DomainError(_("収支決算書に支出を1行以上入力してから提出してください。"))
    missing = [row for row in settlement.rows if row.flagged and not row.note]
    if missing:
        raise DomainError(
            _("差額が基準を超えた行の説明を書いてから提出してください：%(rows)s")
            % {"rows": "、".join(str(row.label) for row in missing)}
        )
    return workflow.FUNDING.transition(
        actor=actor,
        obj=locked,
        action="report",
        by_service=True,
        actual_cost=settlement.expense_total,
    )


@transaction.atomic
def receipt_add(
    *,
    actor: User,
    funding: Funding,
    issued_on: dt.date,
    amount: int,
    description: str,
    upload: UploadedFile,
    line: SettlementLine | None = None,
) -> Receipt:
    """A receipt with its scan, tied to one of the settlement's expense lines or to none."""
    locked = _locked(funding)
    authorize(actor, "payments.edit_settlement", locked)
    if line is not None and (line.funding_id != locked.pk or line.kind != BudgetKind.EXPENSE):
        raise DomainError(_("この年度の支出の行を選んでください。"), field="line")
    try:
        file_fields = ReceiptFile.fields_for(upload, uploaded_by=actor)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="file") from exc
    receipt = Receipt.objects.create(
        funding=locked, issued_on=issued_on, amount=amount, description=description, line=line
    )
    ReceiptFile.objects.create(receipt=receipt, **file_fields)
    audit_record(
        actor=actor,
        action="funding.receipt_add",
        target=locked,
        changes={"receipt": [None, f"{issued_on.isoformat()} {amount} {description}"]},
    )
    return receipt


@transaction.atomic
def funding_confirm(*, actor: User, funding: Funding, eligible_cost: int) -> Funding:
    """額の確定, then the final payment or the refund (返還 = paid − confirmed)."""
    locked = _locked(funding)
    authorize(actor, "payments.decide", locked)
    if locked.status != workflow.REPORT_ACCEPTED:
        raise DomainError(_("額の確定は、担当課が実績報告を受理してから行います。"))
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
    """What is left to pay the group, or to be returned; the year is settled when nothing.

    A share course's instalments still scheduled (not claimed) are cancelled first: the
    final payment or the refund settles the year against what was actually paid, so the
    group is never paid an instalment on top of it."""
    for instalment in funding.payments.filter(
        kind=PaymentKind.INSTALMENT, status=workflow.SCHEDULED
    ):
        workflow.PAYMENT.transition(
            actor=actor,
            obj=instalment,
            action="cancel",
            by_service=True,
            reason=_("額の確定により、残りは精算で支払います（または返還を求めます）。"),
        )
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


def payment_transition(
    *,
    actor: User,
    payment: Payment,
    action: str,
    reason: str = "",
    claimed_on: dt.date | None = None,
    paid_on: dt.date | None = None,
) -> Payment:
    """A move on a payment; `claimed_on`, `paid_on`: the day of the claim ('claim') or the
    day the money moved ('pay'), recorded after the fact (else today)."""
    given = {"claimed_on": claimed_on, "paid_on": paid_on}
    params: dict[str, Any] = {name: day for name, day in given.items() if day is not None}
    return workflow.PAYMENT.transition(
        actor=actor, obj=payment, action=action, reason=reason, **params
    )
