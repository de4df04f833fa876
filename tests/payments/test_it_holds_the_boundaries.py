"""The edges of the money rules: the advance at exactly its cap and 1 yen over, the
rounding at 999 and 1,000, a receipt the day before the decision and the day of it, and
the minor-change threshold."""

from __future__ import annotations

import datetime as dt

import pytest

from kyodo.accounts.models import User
from kyodo.core.errors import DomainError
from kyodo.payments import rules, services, workflow
from kyodo.payments.models import Funding
from tests.payments.conftest import grant_course, receipt_scan

pytestmark = pytest.mark.django_db

DECIDED_ON = dt.date(2026, 5, 1)


def _decided(funding: Funding, rep: User, office: User, amount: int = 250_000) -> Funding:
    services.funding_apply(actor=rep, funding=funding, requested_amount=amount)
    services.funding_decide(
        actor=office, funding=funding, decided_amount=amount, decided_on=DECIDED_ON
    )
    funding.refresh_from_db()
    return funding


def test_the_advance_may_reach_its_cap_and_not_a_yen_more(
    funding: Funding, representative_a: User, office_staff: User
) -> None:
    _decided(funding, representative_a, office_staff)
    # Cap: 80 % × 250,000 = 200,000.
    with pytest.raises(DomainError, match="200,000円"):
        services.advance_claim(actor=representative_a, funding=funding, amount=200_001)
    services.advance_claim(actor=representative_a, funding=funding, amount=200_000)
    # 200,000 claimed: 1 yen more is over.
    with pytest.raises(DomainError):
        services.advance_claim(actor=representative_a, funding=funding, amount=1)


def test_an_advance_in_parts_stops_at_the_cap(
    funding: Funding, representative_a: User, office_staff: User
) -> None:
    _decided(funding, representative_a, office_staff)
    services.advance_claim(actor=representative_a, funding=funding, amount=150_000)
    # 200,000 − 150,000 = 50,000 left.
    with pytest.raises(DomainError, match="50,000円"):
        services.advance_claim(actor=representative_a, funding=funding, amount=50_001)
    services.advance_claim(actor=representative_a, funding=funding, amount=50_000)


def test_the_decision_is_held_to_the_approved_amount_not_the_request(
    funding: Funding, representative_a: User, office_staff: User
) -> None:
    services.funding_apply(actor=representative_a, funding=funding, requested_amount=100_000)
    # Above the request but within the approved 250,000: allowed.
    services.funding_decide(
        actor=office_staff, funding=funding, decided_amount=250_000, decided_on=DECIDED_ON
    )


def test_rounding_cuts_below_1000_yen_at_999_and_keeps_1000() -> None:
    assert rules.cut(999, 1_000) == 0
    assert rules.cut(1_000, 1_000) == 1_000
    assert rules.cut(191_999, 1_000) == 191_000
    assert rules.cut(192_000, 1_000) == 192_000


def test_the_confirmed_amount_rounds_at_999_and_1000(db: None) -> None:
    course = grant_course(cost_shares=[])  # 100 % of cost
    # min(cap 300,000; 100 % × 191,999; decided 250,000) = 191,999 → 191,000.
    assert (
        rules.confirmed_amount(
            course=course, year_index=1, eligible_cost=191_999, decided_amount=250_000
        )
        == 191_000
    )
    # 192,000 stays 192,000.
    assert (
        rules.confirmed_amount(
            course=course, year_index=1, eligible_cost=192_000, decided_amount=250_000
        )
        == 192_000
    )


def test_a_receipt_before_the_decision_is_flagged_and_one_on_the_day_is_not(
    funding: Funding, representative_a: User, office_staff: User
) -> None:
    _decided(funding, representative_a, office_staff)
    before = services.receipt_add(
        actor=representative_a,
        funding=funding,
        issued_on=DECIDED_ON - dt.timedelta(days=1),
        amount=3_000,
        description="前日の文具",
        upload=receipt_scan(),
    )
    same_day = services.receipt_add(
        actor=representative_a,
        funding=funding,
        issued_on=DECIDED_ON,
        amount=3_000,
        description="当日の文具",
        upload=receipt_scan(),
    )
    assert before.before_decision is True
    assert same_day.before_decision is False


def test_a_minor_change_needs_no_approval_and_a_larger_one_does(
    funding: Funding, representative_a: User, office_staff: User
) -> None:
    _decided(funding, representative_a, office_staff)
    # 20 % of 250,000 = 50,000: a change of 49,999 is minor.
    services.change_request(
        actor=representative_a, funding=funding, new_amount=200_001, reason="講師が一人減った"
    )
    funding.refresh_from_db()
    assert (funding.status, funding.decided_amount) == (workflow.DECIDED, 200_001)
    # From 200,001, 20 % is 40,000.2: a change of 40,001 needs the office's approval.
    services.change_request(
        actor=representative_a, funding=funding, new_amount=240_002, reason="会場を増やす"
    )
    funding.refresh_from_db()
    assert (funding.status, funding.decided_amount) == (workflow.CHANGE_REQUESTED, 200_001)
    services.funding_transition(actor=office_staff, funding=funding, action="approve_change")
    funding.refresh_from_db()
    assert (funding.status, funding.decided_amount) == (workflow.DECIDED, 240_002)
