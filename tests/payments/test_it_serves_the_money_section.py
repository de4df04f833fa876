"""The お金 section of the project page: the group applies and claims, the office decides
and pays, each from the forms and buttons the page shows them; bad input stays typed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kyodo.accounts.models import User
from kyodo.audit.models import AuditEvent
from kyodo.core.errors import DomainError
from kyodo.japan.calendar import wareki_date as wareki
from kyodo.payments import services, workflow
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
    office_page = office.get(project_url).content.decode()
    assert pay_url in office_page
    # The day the money moved: today unless told, never in the future nor before the claim.
    field = f"payment-{payment.pk}-pay-paid_on"
    today = timezone.localdate()
    assert f'name="{field}" value="{today.isoformat()}"' in office_page
    assert group.post(pay_url, {field: today.isoformat()}).status_code == 403
    for typed, message in (
        ("令和99年1月1日", "より後の日付は入力できません"),
        ((today - dt.timedelta(days=1)).isoformat(), "より前の日付は入力できません"),
        ("きのう", "日付を「2025-04-01」または「令和7年4月1日」の形で入力してください"),
    ):
        again = office.post(pay_url, {field: typed})
        assert again.status_code == 200, typed
        assert message in again.content.decode() and typed in again.content.decode()
    payment.refresh_from_db()
    assert payment.status == workflow.CLAIMED
    assert office.post(pay_url, {field: wareki(today)}).status_code == 302
    payment.refresh_from_db()
    assert (payment.status, payment.paid_on) == (workflow.PAID, today)
    assert f"支払済み（{wareki(today)}）" in office.get(project_url).content.decode()


def test_the_office_refuses_a_claim_with_its_reason_from_the_project_page(
    funding: Funding, representative_a: User, office_staff: User
) -> None:
    """支払わない asks the reason (kept on the record, told to the group): a form of its own on
    the payment's row; an empty reason comes back at its field, a long one as typed."""
    services.funding_apply(actor=representative_a, funding=funding, requested_amount=250_000)
    services.funding_decide(
        actor=office_staff,
        funding=funding,
        decided_amount=250_000,
        decided_on=timezone.localdate(),
    )
    payment = services.advance_claim(actor=representative_a, funding=funding, amount=200_000)
    project_url = reverse("projects:detail", args=[funding.segment.project_id])
    office = login(Client(), office_staff)
    refuse_url = reverse("payments:payment_action", args=[payment.pk, "refuse"])
    page = office.get(project_url).content.decode()
    field = f"payment-{payment.pk}-refuse-reason"
    assert refuse_url in page and f'name="{field}"' in page
    assert "理由（相手方に表示されます）" in page
    blank = office.post(refuse_url, {field: "　"})
    assert blank.status_code == 200 and "このフィールドは必須です。" in blank.content.decode()
    typed = "<i>領収書</i>" + "あ" * 4000
    long = office.post(refuse_url, {field: typed})
    assert long.status_code == 200 and "&lt;i&gt;領収書&lt;/i&gt;" in long.content.decode()
    payment.refresh_from_db()
    assert payment.status == workflow.CLAIMED
    assert office.post(refuse_url, {field: "概算払の上限を超えています"}).status_code == 302
    payment.refresh_from_db()
    assert payment.status == workflow.REFUSED
    event = AuditEvent.objects.filter(action="payment.refuse").get()
    assert event.summary == "概算払の上限を超えています"


def test_a_claim_and_a_payment_at_half_past_midnight_are_dated_in_japan(
    time_machine: Any, funding: Funding, representative_a: User, office_staff: User
) -> None:
    """00:30 on 1 April in Japan is 15:30 on 31 March in UTC: the days recorded are 1 April."""
    services.funding_apply(actor=representative_a, funding=funding, requested_amount=250_000)
    services.funding_decide(
        actor=office_staff, funding=funding, decided_amount=250_000, decided_on=dt.date(2026, 3, 1)
    )
    time_machine.move_to(dt.datetime(2026, 3, 31, 15, 30, tzinfo=dt.UTC), tick=False)
    payment = services.advance_claim(actor=representative_a, funding=funding, amount=200_000)
    services.payment_transition(actor=office_staff, payment=payment, action="pay")
    payment.refresh_from_db()
    assert (payment.claimed_on, payment.paid_on) == (dt.date(2026, 4, 1), dt.date(2026, 4, 1))


def test_days_recorded_after_the_fact_are_not_in_the_future_nor_paid_before_the_claim(
    time_machine: Any, funding: Funding, representative_a: User, office_staff: User
) -> None:
    """The service takes the days of a claim and of a payment made before they were
    recorded; the workflow's guards refuse a future day and a payment before its claim."""
    time_machine.move_to(dt.datetime(2026, 6, 1, 3, 0, tzinfo=dt.UTC), tick=False)
    services.funding_apply(actor=representative_a, funding=funding, requested_amount=250_000)
    services.funding_decide(
        actor=office_staff, funding=funding, decided_amount=250_000, decided_on=dt.date(2026, 5, 1)
    )
    payment = services.advance_claim(actor=representative_a, funding=funding, amount=200_000)
    assert payment.claimed_on == dt.date(2026, 6, 1)
    for day, message in (
        (dt.date(2026, 5, 31), "請求日.*より前にできません"),
        (dt.date(2026, 6, 2), "支払日に未来の日付は入力できません"),
    ):
        with pytest.raises(DomainError, match=message):
            services.payment_transition(
                actor=office_staff, payment=payment, action="pay", paid_on=day
            )
    time_machine.move_to(dt.datetime(2026, 6, 10, 3, 0, tzinfo=dt.UTC), tick=False)
    services.payment_transition(
        actor=office_staff, payment=payment, action="pay", paid_on=dt.date(2026, 6, 5)
    )
    payment.refresh_from_db()
    assert (payment.status, payment.paid_on) == ("paid", dt.date(2026, 6, 5))
    # A claim's own day: never in the future (the guard of 'claim').
    guard = next(g for g in workflow.PAYMENT.transitions["claim"].guards)
    assert not guard(representative_a, payment, {"claimed_on": dt.date(2026, 6, 11)})
    assert guard(representative_a, payment, {"claimed_on": dt.date(2026, 6, 9)})
