"""Issue 10, must show: a grant-course project through advance payment, confirmation of the
amount under the rounding rule, and refund, every amount worked out by hand here.

The year (tests/payments/conftest.py): approved 250,000; total cost 300,000; course cap
300,000; share of cost 90 %; advance 80 %; confirmed amount cut below 1,000 yen.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kyodo.accounts.models import User
from kyodo.audit.models import AuditEvent
from kyodo.core.errors import DomainError
from kyodo.core.models import OutboxEvent
from kyodo.payments import services, workflow
from kyodo.payments.models import Funding, Payment, PaymentKind
from tests.payments.conftest import expense, income, report_and_accept

pytestmark = pytest.mark.django_db


def test_it_runs_a_grant_through_advance_confirmation_and_refund(
    funding: Funding, representative_a: User, office_staff: User, department_staff: User
) -> None:
    # Limits of the year: approved 250,000; cap 300,000; 90 % × 300,000 = 270,000.
    # The smallest, 250,000, is what the group may ask for; 250,001 is refused and the
    # message names the approved amount (never the amount requested).
    with pytest.raises(DomainError, match="承認額"):
        services.funding_apply(actor=representative_a, funding=funding, requested_amount=250_001)
    services.funding_apply(actor=representative_a, funding=funding, requested_amount=250_000)
    funding.refresh_from_db()
    assert (funding.status, funding.requested_amount) == (workflow.APPLIED, 250_000)

    services.funding_decide(
        actor=office_staff, funding=funding, decided_amount=250_000, decided_on=dt.date(2026, 5, 1)
    )
    funding.refresh_from_db()
    assert funding.status == workflow.DECIDED
    assert funding.decided_amount == 250_000
    assert funding.decision_number == f"{funding.segment.fiscal_year}-0001"

    # 概算払: 80 % × 250,000 = 200,000 at most.
    advance = services.advance_claim(actor=representative_a, funding=funding, amount=200_000)
    assert advance.status == workflow.CLAIMED
    services.payment_transition(actor=office_staff, payment=advance, action="pay")
    assert services.paid_to_group(funding) == 200_000

    # The results report: the settlement, whose expenses come to 212,345 yen in all
    # (消耗品費 budgeted 300,000, actual 212,345: 87,655 under, over 20 % → explained).
    report_and_accept(
        funding,
        group=representative_a,
        office=office_staff,
        department=department_staff,
        lines=[
            income("city", 200_000),
            income("own", 12_345),
            expense("消耗品費", 212_345),
        ],
        notes={
            ("expense", "消耗品費"): "購入を見直した",
            ("income", "own"): "支出が減った",
            ("income", "city"): "概算払の額",
        },
    )
    assert funding.actual_cost == 212_345

    # 額の確定 = min(cap 300,000; 90 % × 212,345 = 191,110.5; decided 250,000)
    #          = 191,110.5 → cut below 1,000 yen → 191,000.
    services.funding_confirm(actor=office_staff, funding=funding, eligible_cost=212_345)
    funding.refresh_from_db()
    assert funding.status == workflow.CONFIRMED
    assert funding.confirmed_amount == 191_000
    assert funding.confirmation_number

    # 返還 = paid 200,000 − confirmed 191,000 = 9,000, asked for with the confirmation.
    refund = Payment.objects.get(funding=funding, kind=PaymentKind.REFUND)
    assert (refund.amount, refund.status) == (9_000, workflow.CLAIMED)
    assert not Payment.objects.filter(funding=funding, kind=PaymentKind.FINAL).exists()

    # The office records the refund received: the year is settled.
    services.payment_transition(actor=office_staff, payment=refund, action="pay")
    funding.refresh_from_db()
    assert funding.status == workflow.SETTLED

    # Every move audited and announced through the outbox.
    for action in (
        "apply",
        "decide",
        "report",
        "pass_report",
        "accept_report",
        "confirm",
        "settle",
    ):
        assert AuditEvent.objects.filter(
            action=f"funding.{action}", target_id=str(funding.pk)
        ).exists(), action
        assert OutboxEvent.objects.filter(
            name=f"funding.{action}", target_id=str(funding.pk)
        ).exists(), action
    assert AuditEvent.objects.filter(action="payment.pay", target_id=str(refund.pk)).exists()


def test_it_pays_the_rest_when_the_confirmed_amount_exceeds_the_advance(
    funding: Funding, representative_a: User, office_staff: User, department_staff: User
) -> None:
    services.funding_apply(actor=representative_a, funding=funding, requested_amount=250_000)
    services.funding_decide(
        actor=office_staff, funding=funding, decided_amount=240_000, decided_on=dt.date(2026, 5, 1)
    )
    # 80 % × 240,000 = 192,000.
    advance = services.advance_claim(actor=representative_a, funding=funding, amount=192_000)
    services.payment_transition(actor=office_staff, payment=advance, action="pay")
    report_and_accept(
        funding,
        group=representative_a,
        office=office_staff,
        department=department_staff,
        lines=[income("city", 250_000), income("own", 50_000), expense("消耗品費", 300_000)],
    )
    # min(300,000; 90 % × 300,000 = 270,000; decided 240,000) = 240,000 (already round).
    services.funding_confirm(actor=office_staff, funding=funding, eligible_cost=300_000)
    funding.refresh_from_db()
    assert funding.confirmed_amount == 240_000
    # 精算払 = 240,000 − 192,000 = 48,000; the group claims it, the office pays.
    final = Payment.objects.get(funding=funding, kind=PaymentKind.FINAL)
    assert (final.amount, final.status) == (48_000, workflow.SCHEDULED)
    services.payment_transition(actor=representative_a, payment=final, action="claim")
    services.payment_transition(actor=office_staff, payment=final, action="pay")
    funding.refresh_from_db()
    assert funding.status == workflow.SETTLED
