"""Reads for a year's money: the figures and actions on the project page, and the office's
list of payments due."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db.models import QuerySet

from kyodo.core.permissions import check
from kyodo.payments import rules, services, workflow
from kyodo.payments.models import Funding, Payment


@dataclass
class YearMoney:
    funding: Funding
    state: Any
    limits: list[rules.Limit]
    advance_limit: int
    paid: int
    payments: list[tuple[Payment, list[Any]]]
    receipts: list[Any]
    steps: list[tuple[str, forms.Form]] = field(default_factory=list)
    buttons: list[Any] = field(default_factory=list)
    reason_buttons: list[tuple[Any, forms.Form]] = field(default_factory=list)
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
        steps += ["change", "receipt", "report"]
    if office and status == workflow.REPORTED:
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
                payments=[(p, workflow.PAYMENT.actions_for(user, p)) for p in payments],
                receipts=list(funding.receipts.all()),
                steps=steps,
                buttons=[t for t in actions if not t.needs_reason],
                reason_buttons=[
                    (t, ReasonFormFor(t.action, funding)) for t in actions if t.needs_reason
                ],
                is_grant=grant,
            )
        )
    return years


def ReasonFormFor(action: str, funding: Funding) -> forms.Form:  # noqa: N802
    from kyodo.payments.forms import ReasonForm

    return ReasonForm(prefix=f"reason-{funding.pk}-{action}")


def payments_due() -> QuerySet[Payment]:
    """What the office has to act on: claims to pay (or refunds to receive) and the share
    courses' instalments not yet claimed, by due date."""
    return (
        Payment.objects.filter(status__in=(workflow.CLAIMED, workflow.SCHEDULED))
        .select_related("funding__segment__project__group")
        .order_by("due_on", "claimed_on", "pk")
    )
