"""Order of events: round 2 scoring and the advice wait for the proposal's presentation
(until its slot has ended); the budget-passage date is not in the future, and changing it
is a correction with a reason, audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kyodo.audit.models import AuditEvent
from kyodo.core.permissions import check
from kyodo.review import services
from kyodo.review.models import Committee
from tests.conftest import login
from tests.review.conftest import answers, make_scene


def _slot(scene, proposal, ends_at):
    return services.slot_set(
        actor=scene.office,
        committee=scene.committee,
        proposal=proposal,
        order=1,
        starts_at=ends_at - dt.timedelta(minutes=20),
        ends_at=ends_at,
    )


def test_round_two_waits_until_the_presentation_has_ended(office_staff):
    scene = make_scene(office_staff, proposals=1, members=1)
    (p1,) = scene.proposals
    member = scene.members[0]
    services.declaration_make(actor=member, proposal=p1, has_conflict=False)
    slot = _slot(scene, p1, timezone.now() + dt.timedelta(minutes=1))
    decision = check("review.score", member, (p1, 2))
    assert not decision and "公開プレゼンテーション" in str(decision.reason)
    assert check("review.score", member, (p1, 1))  # the document round does not wait
    slot.ends_at = timezone.now() - dt.timedelta(seconds=1)
    slot.save(update_fields=["ends_at"])
    assert check("review.score", member, (p1, 2))
    services.sheet_save(
        actor=member, proposal=p1, round_number=2, answers=answers(scene, 3, 3, 3), submit=True
    )


def test_the_advice_waits_until_the_presentation_has_ended(office_staff):
    scene = make_scene(office_staff, proposals=1, members=1)
    (p1,) = scene.proposals
    slot = _slot(scene, p1, timezone.now() + dt.timedelta(minutes=1))
    with pytest.raises(services.ReviewRefused, match="公開プレゼンテーション"):
        services.advice_record(actor=office_staff, proposal=p1, recommendation="adopt")
    page = login(Client(), office_staff).get(reverse("review:staff_proposal", args=[p1.pk]))
    assert "答申は、公開プレゼンテーション" in page.content.decode()
    slot.ends_at = timezone.now() - dt.timedelta(seconds=1)
    slot.save(update_fields=["ends_at"])
    services.advice_record(actor=office_staff, proposal=p1, recommendation="adopt")


def test_a_proposal_without_a_presentation_does_not_wait(office_staff):
    scene = make_scene(office_staff, proposals=1, members=1)
    (p1,) = scene.proposals
    services.advice_record(actor=office_staff, proposal=p1, recommendation="adopt")


def test_the_budget_passage_date_is_today_at_the_latest(office_staff):
    scene = make_scene(office_staff, proposals=1, members=1)
    client = login(Client(), office_staff)
    url = reverse("review:committee_act", args=[scene.call.pk, "budget"])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(url, {"passed_on": tomorrow.isoformat()})
    assert response.status_code == 200  # the page again, the message at the field
    assert "passed_on" in response.context["budget_form"].errors
    assert Committee.objects.get(pk=scene.committee.pk).budget_passed_on is None
    today = timezone.localdate()
    assert client.post(url, {"passed_on": today.isoformat()}).status_code == 302


def test_changing_the_budget_passage_date_needs_a_reason_and_is_audited(office_staff):
    scene = make_scene(office_staff, proposals=1, members=1)
    today = timezone.localdate()
    services.budget_passed(actor=office_staff, committee=scene.committee, passed_on=today)
    earlier = today - dt.timedelta(days=2)
    with pytest.raises(services.ReviewRefused) as refused:
        services.budget_passed(actor=office_staff, committee=scene.committee, passed_on=earlier)
    assert "reason" in refused.value.errors
    client = login(Client(), office_staff)
    page = client.get(reverse("review:committee", args=[scene.call.pk])).content.decode()
    assert "予算の成立日を訂正する" in page
    response = client.post(
        reverse("review:committee_act", args=[scene.call.pk, "budget"]),
        {"passed_on": earlier.isoformat(), "reason": "議決日を取り違えていたため"},
    )
    assert response.status_code == 302
    assert Committee.objects.get(pk=scene.committee.pk).budget_passed_on == earlier
    event = AuditEvent.objects.filter(action="review.budget_passed_change").get()
    assert event.summary == "議決日を取り違えていたため"
