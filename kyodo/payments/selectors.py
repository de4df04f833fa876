"""Reads for a year's money: the figures and actions on the project page, the office's
list of payments due, and a year's settlement (収支決算書) beside its approved budget."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.urls import reverse

from kyodo.core.moves import MovePanel, move_panel
from kyodo.core.permissions import check
from kyodo.payments import rules, services, workflow
from kyodo.payments.forms import PayForm
from kyodo.payments.models import Funding, Payment, Receipt, SettlementLine
from kyodo.proposals.models import BudgetKind, BudgetLine, IncomeSource


@dataclass
class YearMoney:
    funding: Funding
    state: Any
    limits: list[rules.Limit]
    advance_limit: int
    paid: int
    payments: list[tuple[Payment, MovePanel]]
    steps: list[tuple[str, forms.Form]] = field(default_factory=list)
    moves: MovePanel | None = None
    is_grant: bool = True


def _steps(user: Any, funding: Funding, grant: bool) -> list[str]:
    """The forms this person may send now, by the year's state and their side."""
    group = bool(check("payments.act_as_group", user, funding))
    office = bool(check("payments.decide", user, funding))
    status, steps = funding.status, []
    if grant and group and status == workflow.PREPARING:
        steps.append("apply")
    if office and (
        (grant and status == workflow.APPLIED) or (not grant and status == workflow.PREPARING)
    ):
        steps.append("decide")
    if not grant and office and status in (workflow.PREPARING, workflow.DECIDED):
        steps.append("instalment")
    if group and status == workflow.DECIDED:
        if grant:
            steps.append("advance")
        steps.append("change")
    if office and status == workflow.REPORT_ACCEPTED:
        steps.append("confirm")
    return steps


def money_for(user: Any, project: Any, given: dict[str, Any] | None = None) -> list[YearMoney]:
    """One entry per project year; `given` holds a bound form sent back with its errors."""
    from kyodo.payments.views import STEPS

    given = given or {}
    course = project.course
    grant = rules.is_grant(course)
    years = []
    for funding in services.fundings_for(project):
        segment = funding.segment
        payments = list(funding.payments.all())
        steps = [
            (
                step,
                given.get(f"{funding.pk}:{step}")
                or STEPS[step][0](prefix=f"money-{funding.pk}-{step}"),
            )
            for step in _steps(user, funding, grant)
        ]
        actions = workflow.FUNDING.actions_for(user, funding)
        years.append(
            YearMoney(
                funding=funding,
                state=workflow.FUNDING.state_of(funding),
                limits=rules.limits(segment, course),
                advance_limit=rules.advance_limit(funding.decided_amount, course),
                paid=services.paid_to_group(funding),
                payments=[
                    (p, payment_moves(p, workflow.PAYMENT.actions_for(user, p), given))
                    for p in payments
                ],
                steps=steps,
                moves=funding_moves(funding, actions, posted=given.get("reason_form")),
                is_grant=grant,
            )
        )
    return years


def payment_moves(
    payment: Payment, actions: list[Any], given: dict[str, Any] | None = None
) -> MovePanel:
    """A payment's moves, posting to payments:payment_action: recording it paid asks the
    day the money moved, refusing it asks the reason."""
    return move_panel(
        actions,
        url=lambda action: reverse("payments:payment_action", args=[payment.pk, action]),
        scope=f"payment-{payment.pk}",
        posted=(given or {}).get("payment_form"),
        forms={"pay": partial(PayForm, payment=payment)},
    )


def funding_moves(
    funding: Funding, actions: list[Any], *, posted: forms.Form | None = None
) -> MovePanel:
    """The year's moves as buttons (and reason forms), posting to payments:funding_action."""
    return move_panel(
        actions,
        url=lambda action: reverse("payments:funding_action", args=[funding.pk, action]),
        scope=f"funding-{funding.pk}",
        posted=posted,
    )


def payments_due() -> QuerySet[Payment]:
    """What the office has to act on: claims to pay (or refunds to receive) and the share
    courses' instalments not yet claimed, by due date."""
    return (
        Payment.objects.filter(status__in=(workflow.CLAIMED, workflow.SCHEDULED))
        .select_related("funding__segment__project__group")
        .order_by("due_on", "claimed_on", "pk")
    )


# --- the settlement (収支決算書) beside the approved budget -----------------------------------


@dataclass
class ComparedRow:
    """A compared line with the group's explanation (rules.Compared, plus its note)."""

    line: rules.Compared
    note: str

    def __getattr__(self, name: str) -> Any:
        return getattr(self.line, name)


@dataclass
class LineReceipts:
    line: SettlementLine
    receipts: list[Receipt]

    @property
    def total(self) -> int:
        return sum(r.amount for r in self.receipts)

    @property
    def difference(self) -> int:
        return self.total - self.line.amount


@dataclass
class Settlement:
    """A year's 収支決算書 and its comparison with the approved budget.

    The approved budget (rules.approved_income): the proposal's 収支予算書 for the year,
    expenses by category as budgeted, and income by source with the city's part replaced by
    what the agreement concluded (ProjectYear.approved_amount) and the group's own funds
    taking up the rest of its agreed part (ProjectYear.group_amount)."""

    funding: Funding
    income: list[ComparedRow]
    expense: list[ComparedRow]
    income_lines: list[SettlementLine]
    expense_lines: list[SettlementLine]
    by_line: list[LineReceipts]
    unlinked: list[Receipt]
    agreed_total: int
    budget_expense_total: int

    @property
    def rows(self) -> list[ComparedRow]:
        return self.income + self.expense

    @property
    def income_total(self) -> int:
        return sum(line.amount for line in self.income_lines)

    @property
    def expense_total(self) -> int:
        return sum(line.amount for line in self.expense_lines)

    @property
    def balance(self) -> int:
        return self.income_total - self.expense_total

    @property
    def budget_income_total(self) -> int:
        return sum(row.budget for row in self.income)

    @property
    def income_difference(self) -> int:
        return self.income_total - self.budget_income_total

    @property
    def expense_difference(self) -> int:
        return self.expense_total - self.budget_expense_total

    @property
    def flagged(self) -> list[ComparedRow]:
        return [row for row in self.rows if row.flagged]

    @property
    def receipts_total(self) -> int:
        return sum(item.total for item in self.by_line) + sum(r.amount for r in self.unlinked)


def _sums(lines: list[Any], key: str) -> dict[str, int]:
    sums: dict[str, int] = {}
    for line in lines:
        sums[getattr(line, key)] = sums.get(getattr(line, key), 0) + line.amount
    return sums


def settlement_of(funding: Funding) -> Settlement:
    segment = funding.segment
    course = segment.project.course
    budget = list(
        BudgetLine.objects.filter(
            proposal_id=segment.project.proposal_id, year_index=segment.year_index
        )
    )
    lines = list(funding.settlement_lines.all())
    income_lines = [line for line in lines if line.kind == BudgetKind.INCOME]
    expense_lines = [line for line in lines if line.kind == BudgetKind.EXPENSE]
    budget_expense = [line for line in budget if line.kind == BudgetKind.EXPENSE]
    notes = {(n.kind, n.key): n.text for n in funding.difference_notes.all()}
    labels = {source.value: source.label for source in IncomeSource}
    income = rules.compare(
        course=course,
        kind=BudgetKind.INCOME,
        budget=rules.approved_income(
            _sums([line for line in budget if line.kind == BudgetKind.INCOME], "source"),
            city=IncomeSource.CITY,
            own=IncomeSource.OWN,
            approved=segment.approved_amount,
            group_part=segment.group_amount,
        ),
        actual=_sums(income_lines, "source"),
        labels=labels,
    )
    expense = rules.compare(
        course=course,
        kind=BudgetKind.EXPENSE,
        budget=_sums(budget_expense, "category"),
        actual=_sums(expense_lines, "category"),
    )
    receipts = list(funding.receipts.prefetch_related("files"))
    return Settlement(
        funding=funding,
        income=[ComparedRow(row, notes.get((row.kind, row.key), "")) for row in income],
        expense=[ComparedRow(row, notes.get((row.kind, row.key), "")) for row in expense],
        income_lines=income_lines,
        expense_lines=expense_lines,
        by_line=[
            LineReceipts(line, [r for r in receipts if r.line_id == line.pk])
            for line in expense_lines
        ],
        unlinked=[r for r in receipts if r.line_id is None],
        agreed_total=segment.total_cost,
        budget_expense_total=sum(line.amount for line in budget_expense),
    )


# --- what waits for each person, for the dashboard -------------------------------------------


def inbox(user: Any) -> dict[str, Any]:
    """Money waiting for this person: the office's claims to pay and settlements to check,
    the department in charge's settlements to accept, the group's sums to claim."""
    from kyodo.accounts.models import Role
    from kyodo.accounts.permissions import is_person
    from kyodo.registry.models import GroupMembership

    if not is_person(user):
        return {}
    items: dict[str, Any] = {}
    fundings = Funding.objects.select_related("segment__project__group").order_by("pk")
    payments = Payment.objects.select_related("funding__segment__project__group").order_by(
        "due_on", "pk"
    )
    groups = GroupMembership.objects.filter(user=user).values("group_id")
    to_claim = payments.filter(
        status=workflow.SCHEDULED,
        kind__in=["advance", "instalment", "final"],
        funding__segment__project__group_id__in=groups,
    )
    items["group_claims"] = list(to_claim[:50])
    if user.has_role(Role.OFFICE):
        items["office_pay"] = list(payments.filter(status=workflow.CLAIMED)[:50])
        items["office_settlements"] = list(fundings.filter(status=workflow.REPORTED)[:50])
    if user.section_ids:
        items["department_settlements"] = list(
            fundings.filter(
                status=workflow.REPORT_WITH_DEPARTMENT,
                segment__project__section_id__in=user.sections_in_charge,
            )[:50]
        )
    return {k: v for k, v in items.items() if v}


def settlement_starting_rows(funding: Funding) -> list[Any]:
    """The rows a first settlement starts from: the proposal's budget lines of the year
    (sources, categories, descriptions; an expense's quantity as budgeted), with the amounts
    empty, so that the group types only what was actually received and spent."""
    from types import SimpleNamespace

    segment = funding.segment
    budget = BudgetLine.objects.filter(
        proposal_id=segment.project.proposal_id, year_index=segment.year_index
    ).order_by("kind", "pk")
    return [
        SimpleNamespace(
            kind=line.kind,
            source=line.source,
            category=line.category,
            description=line.description,
            unit_price=None,
            quantity=line.quantity if line.kind == BudgetKind.EXPENSE else None,
            amount=None,
        )
        for line in budget
    ]
