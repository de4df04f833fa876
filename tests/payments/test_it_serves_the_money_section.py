"""The お金 section of the project page: the group applies and claims, the office decides
and pays, each from the forms and buttons the page shows them; bad input stays typed."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kyodo.accounts.models import User
from kyodo.payments import workflow
from kyodo.payments.models import Funding, Payment
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_group_and_office_run_a_grant_from_the_project_page(
    funding: Funding, representative_a: User, office_staff: User
) -> None:
    project_url = reverse("projects:detail", args=[funding.segment.project_id])
    group, office = login(Client(), representative_a), login(Client(), office_staff)
    page = group.get(project_url).content.decode()
    assert "お金" in page and "承認額" in page
    apply_url = reverse("payments:funding_step", args=[funding.pk, "apply"])
    assert apply_url in page
    prefix = f"money-{funding.pk}"
    # Over the approved 250,000: refused next to the field, the figure kept.
    response = group.post(apply_url, {f"{prefix}-apply-requested_amount": "260,000"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "承認額" in text and "260,000" in text
    assert group.post(apply_url, {f"{prefix}-apply-requested_amount": "250,000"}).status_code == 302
    decide_url = reverse("payments:funding_step", args=[funding.pk, "decide"])
    assert decide_url in office.get(project_url).content.decode()
    response = office.post(
        decide_url,
        {
            f"{prefix}-decide-decided_amount": "250000",
            f"{prefix}-decide-decided_on": "令和8年5月1日",
        },
    )
    assert response.status_code == 302
    advance_url = reverse("payments:funding_step", args=[funding.pk, "advance"])
    group.post(advance_url, {f"{prefix}-advance-amount": "200000"})
    payment = Payment.objects.get(funding=funding)
    assert payment.status == workflow.CLAIMED
    due = office.get(reverse("payments:due_list")).content.decode()
    assert project_url in due
    pay_url = reverse("payments:payment_action", args=[payment.pk, "pay"])
    assert pay_url in office.get(project_url).content.decode()
    assert group.post(pay_url).status_code == 403
    assert office.post(pay_url).status_code == 302
    payment.refresh_from_db()
    assert payment.status == workflow.PAID
