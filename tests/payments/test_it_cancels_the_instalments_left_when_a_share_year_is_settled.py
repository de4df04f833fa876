"""A share course (負担金, Kamakura's 協働コース: cap 500,000 a year, no share-of-cost
limit, the confirmed amount cut below 1,000 yen) settled with an instalment still
scheduled: the instalment is cancelled on the payment table, so the group is paid the
confirmed amount once, as the final payment, and never the instalment on top of it.

The year: the city's part 300,000 of 330,000 (own funds 30,000); the office fixes the
share at 300,000 in two instalments of 150,000; the first is paid, the second not yet
claimed when the settlement comes in.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kyodo.accounts.models import User
from kyodo.audit.models import AuditEvent
from kyodo.core.permissions import NotAllowed
from kyodo.payments import services, workflow
from kyodo.payments.models import Payment, PaymentKind
from kyodo.projects.services import project_create_from_proposal
from kyodo.registry.models import CivicGroup
from tests.payments.conftest import expense, income, report_and_accept
from tests.proposals import factories as pf

pytestmark = pytest.mark.django_db


def test_the_scheduled_instalment_is_cancelled_and_only_the_difference_is_paid(
    office_staff: User, department_staff: User, representative_a: User, group_a: CivicGroup
) -> None:
    proposal = pf.ProposalFactory(
        group=group_a, course=pf.course("collaboration"), status="adopted", years=1
    )
    pf.balanced_budget(proposal, city=300_000, own=30_000)
    project = project_create_from_proposal(proposal=proposal, actor=office_staff)
    funding = services.funding_of(project.segments.get())
    services.funding_decide(
        actor=office_staff, funding=funding, decided_amount=300_000, decided_on=dt.date(2026, 4, 1)
    )
    first = services.instalment_set(
        actor=office_staff, funding=funding, amount=150_000, due_on=dt.date(2026, 6, 30)
    )
    second = services.instalment_set(
        actor=office_staff, funding=funding, amount=150_000, due_on=dt.date(2026, 10, 31)
    )
    services.payment_transition(actor=representative_a, payment=first, action="claim")
    services.payment_transition(actor=office_staff, payment=first, action="pay")

    # The settlement: the year cost 262,345 yen (budget 330,000: −67,655, over 20 %).
    report_and_accept(
        funding,
        group=representative_a,
        office=office_staff,
        department=department_staff,
        lines=[income("city", 232_345), income("own", 30_000), expense("消耗品費", 262_345)],
        notes={
            ("expense", "消耗品費"): "会場を無償で借りられた",
            ("income", "city"): "事業費が減った分",
        },
    )
    assert funding.actual_cost == 262_345

    # 額の確定 = min(cap 500,000; 100 % × 262,345; decided 300,000) = 262,345 → 262,000.
    services.funding_confirm(actor=office_staff, funding=funding, eligible_cost=262_345)
    funding.refresh_from_db()
    assert funding.confirmed_amount == 262_000

    # The instalment not yet claimed is cancelled through the payment table, audited.
    second.refresh_from_db()
    assert second.status == workflow.CANCELLED
    assert AuditEvent.objects.filter(action="payment.cancel", target_id=str(second.pk)).exists()
    with pytest.raises(NotAllowed):
        services.payment_transition(actor=representative_a, payment=second, action="claim")

    # 精算払 = confirmed 262,000 − paid 150,000 = 112,000 (not 262,000 − 300,000 planned).
    final = Payment.objects.get(funding=funding, kind=PaymentKind.FINAL)
    assert (final.amount, final.status) == (112_000, workflow.SCHEDULED)
    services.payment_transition(actor=representative_a, payment=final, action="claim")
    services.payment_transition(actor=office_staff, payment=final, action="pay")
    # Paid in all: 150,000 + 112,000 = 262,000, the confirmed amount, once.
    assert services.paid_to_group(funding) == 262_000
    funding.refresh_from_db()
    assert funding.status == workflow.SETTLED


def test_a_share_year_paid_in_full_is_refunded_what_the_settlement_did_not_spend(
    office_staff: User, department_staff: User, representative_a: User, group_a: CivicGroup
) -> None:
    proposal = pf.ProposalFactory(
        group=group_a, course=pf.course("collaboration"), status="adopted", years=1
    )
    pf.balanced_budget(proposal, city=300_000, own=30_000)
    project = project_create_from_proposal(proposal=proposal, actor=office_staff)
    funding = services.funding_of(project.segments.get())
    services.funding_decide(
        actor=office_staff, funding=funding, decided_amount=300_000, decided_on=dt.date(2026, 4, 1)
    )
    for amount, due in ((200_000, dt.date(2026, 6, 30)), (100_000, dt.date(2026, 10, 31))):
        payment = services.instalment_set(
            actor=office_staff, funding=funding, amount=amount, due_on=due
        )
        services.payment_transition(actor=representative_a, payment=payment, action="claim")
        services.payment_transition(actor=office_staff, payment=payment, action="pay")
    report_and_accept(
        funding,
        group=representative_a,
        office=office_staff,
        department=department_staff,
        lines=[income("city", 300_000), income("own", 30_000), expense("消耗品費", 288_800)],
        notes={("income", "own"): "", ("expense", "消耗品費"): ""},
    )
    # 消耗品費 288,800 against 330,000: −41,200, within 20 % (66,000): nothing to explain.
    services.funding_confirm(actor=office_staff, funding=funding, eligible_cost=288_800)
    funding.refresh_from_db()
    # min(500,000; 288,800; 300,000) = 288,800 → 288,000; 返還 = 300,000 − 288,000 = 12,000.
    assert funding.confirmed_amount == 288_000
    refund = Payment.objects.get(funding=funding, kind=PaymentKind.REFUND)
    assert (refund.amount, refund.status) == (12_000, workflow.CLAIMED)
    assert not Payment.objects.filter(funding=funding, status=workflow.CANCELLED).exists()
