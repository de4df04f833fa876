"""The results report the office has checked is waiting for the department in charge: the
department is told (and the group), and the office is told of the department's answer."""

from __future__ import annotations

import pytest

from kyodo.accounts.models import User
from kyodo.core.models import Delivery, OutboxEvent
from kyodo.payments import services
from kyodo.payments.models import Funding
from tests.payments.conftest import expense, in_charge, income

pytestmark = pytest.mark.django_db


def _told(action: str) -> set[str]:
    event = OutboxEvent.objects.filter(payload__action=action).latest("pk")
    return set(Delivery.objects.filter(event=event).values_list("address", flat=True))


def test_the_department_hears_of_the_report_and_the_office_of_its_answer(
    funding: Funding, representative_a: User, office_staff: User, department_staff: User
) -> None:
    import datetime as dt

    in_charge(funding, department_staff)
    services.funding_apply(actor=representative_a, funding=funding, requested_amount=250_000)
    services.funding_decide(
        actor=office_staff, funding=funding, decided_amount=250_000, decided_on=dt.date(2026, 5, 1)
    )
    services.settlement_replace(
        actor=representative_a,
        funding=funding,
        lines=[income("city", 250_000), income("own", 50_000), expense("消耗品費", 300_000)],
    )
    services.settlement_submit(actor=representative_a, funding=funding)
    services.funding_transition(actor=office_staff, funding=funding, action="pass_report")
    passed = _told("pass_report")
    assert department_staff.email in passed and representative_a.email in passed
    services.funding_transition(actor=department_staff, funding=funding, action="accept_report")
    accepted = _told("accept_report")
    assert office_staff.email in accepted and representative_a.email in accepted
