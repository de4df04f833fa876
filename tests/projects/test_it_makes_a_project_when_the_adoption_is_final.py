"""An adopted proposal becomes a project when its decision becomes final (the budget
passed): once, with one segment per fiscal year up to the course's maximum, the approved
amount per year from the proposal's budget, the conditions to settle, and a first draft of
the agreement from the proposal."""

from __future__ import annotations

from typing import Any

import pytest

from kyodo.audit.models import AuditEvent
from kyodo.core.models import Delivery, OutboxEvent
from kyodo.projects import services
from kyodo.projects.models import Project
from tests.projects.conftest import adopted, make_final, section_of

pytestmark = pytest.mark.django_db


def test_it_waits_for_the_final_decision(
    office_staff: Any, group_a: Any, department_staff: Any
) -> None:
    proposal = adopted(office_staff, group_a, section_of(department_staff))
    assert not Project.objects.filter(proposal=proposal).exists()
    project = make_final(office_staff, proposal)
    assert project.group == group_a
    assert project.section == section_of(department_staff)
    assert project.number == "2026-001"
    assert OutboxEvent.objects.filter(name="proposal.decision_final").count() == 1
    assert AuditEvent.objects.filter(action="project.create", target_id=str(project.pk)).exists()


def test_it_has_one_segment_per_fiscal_year_with_the_approved_amounts(project: Project) -> None:
    segments = list(project.segments.order_by("year_index"))
    assert [(s.year_index, s.fiscal_year) for s in segments] == [(1, 2026), (2, 2027), (3, 2028)]
    # balanced_budget: the city's part, plus 100,000 of the group's own, is the cost.
    assert [s.approved_amount for s in segments] == [400_000, 300_000, 200_000]
    assert [s.total_cost for s in segments] == [500_000, 400_000, 300_000]
    assert [s.group_amount for s in segments] == [100_000] * 3
    assert (project.first_fiscal_year, project.last_fiscal_year) == (2026, 2028)


def test_it_never_has_more_years_than_the_course_allows(
    office_staff: Any, group_a: Any, department_staff: Any
) -> None:
    proposal = adopted(office_staff, group_a, section_of(department_staff), years=3)
    # The local-vitality course allows one year.
    type(proposal).objects.filter(pk=proposal.pk).update(
        course=proposal.call.programme.courses.get(key="local_vitality")
    )
    project = make_final(office_staff, proposal)
    assert project.years == 1
    assert project.segments.count() == 1


def test_it_carries_the_conditions_and_the_advice_into_items_to_settle(
    office_staff: Any, group_a: Any, department_staff: Any
) -> None:
    proposal = adopted(
        office_staff,
        group_a,
        section_of(department_staff),
        conditions="食品衛生の講習を受けること\n\n保険に加入すること",
        advice_note="地域の学校と連携されたい",
    )
    project = make_final(office_staff, proposal)
    items = [(c.source, c.text, c.settled) for c in project.conditions.all()]
    assert items == [
        ("decision", "食品衛生の講習を受けること", False),
        ("decision", "保険に加入すること", False),
        ("advice", "地域の学校と連携されたい", False),
    ]


def test_it_makes_the_project_once(project: Project, office_staff: Any) -> None:
    again = services.project_create_from_proposal(proposal=project.proposal, actor=office_staff)
    assert again.pk == project.pk
    assert Project.objects.count() == 1
    assert project.segments.count() == 3


def test_it_drafts_the_agreement_from_the_proposal(project: Project) -> None:
    agreement = project.agreement  # type: ignore[attr-defined]
    content = agreement.content
    assert agreement.status == "drafting_by_group"
    assert content["purpose"] == "子どもの孤食をなくす"
    assert content["group_role"] == "食堂の運営"
    assert content["department_role"] == "学校への周知"
    assert content["term"] == {"start": "2026-04-01", "end": "2029-03-31"}
    assert [(c["fiscal_year"], c["city"], c["group"]) for c in content["costs"]] == [
        (2026, 400_000, 100_000),
        (2027, 300_000, 100_000),
        (2028, 200_000, 100_000),
    ]
    for key in ("information", "openness", "results", "personal_data", "accidents", "changes"):
        assert content[key], key
    assert agreement.versions.count() == 1


def test_it_tells_the_group_and_the_department(
    office_staff: Any, group_a: Any, representative_a: Any, department_staff: Any
) -> None:
    make_final(office_staff, adopted(office_staff, group_a, section_of(department_staff)))
    event = OutboxEvent.objects.get(name="project.create")
    to = set(Delivery.objects.filter(event=event).values_list("address", flat=True))
    assert {department_staff.email, representative_a.email} <= to
    assert office_staff.email not in to


def test_a_proposal_not_adopted_makes_no_project(
    office_staff: Any, group_a: Any, department_staff: Any
) -> None:
    import datetime as dt

    from kyodo.review import services as review
    from kyodo.review.models import Committee
    from tests.proposals import factories as pf
    from tests.review.conftest import ready_proposal, small_set

    call = pf.CallFactory(fiscal_year=2026)
    committee = review.committee_create(actor=office_staff, call=call, criteria_set=small_set())
    proposal = review.review_start(actor=office_staff, proposal=ready_proposal(call, group=group_a))
    review.advice_record(actor=office_staff, proposal=proposal, recommendation="not_adopt")
    review.decision_record(
        actor=office_staff, proposal=proposal, outcome="not_adopted", reason="効果が不明"
    )
    review.budget_passed(actor=office_staff, committee=committee, passed_on=dt.date(2026, 3, 20))
    assert Committee.objects.filter(call=call).exists()
    assert not Project.objects.exists()


def test_a_decision_recorded_after_the_budget_passed_is_final_at_once(
    office_staff: Any, group_a: Any, department_staff: Any
) -> None:
    import datetime as dt

    from kyodo.review import services as review
    from kyodo.review.models import Committee
    from tests.proposals import factories as pf
    from tests.review.conftest import ready_proposal

    first = adopted(office_staff, group_a, section_of(department_staff))
    make_final(office_staff, first)
    committee = Committee.objects.get(call=first.call)
    assert committee.budget_passed_on == dt.date(2026, 3, 20)
    # A second proposal of the same call is decided late, after the budget passed.
    late = ready_proposal(first.call, group=group_a, section=section_of(department_staff))
    pf.balanced_budget(late, city=300_000, own=50_000)
    review.review_start(actor=office_staff, proposal=late)
    review.advice_record(actor=office_staff, proposal=late, recommendation="adopt")
    decision = review.decision_record(actor=office_staff, proposal=late, outcome="adopted")
    decision.refresh_from_db()
    assert not decision.provisional and decision.finalised_at is not None
    assert Project.objects.filter(proposal=late).count() == 1
    assert AuditEvent.objects.filter(
        action="review.decision_final", target_id=str(late.pk)
    ).exists()
    # One notice, of the final decision.
    subjects = set(
        Delivery.objects.filter(subject__contains="審査結果").values_list("subject", flat=True)
    ) | set(Delivery.objects.filter(subject__contains="確定").values_list("subject", flat=True))
    assert f"【協働】提案「{late.title}」の決定が確定しました" in subjects
    assert f"【協働】提案「{late.title}」の審査結果のお知らせ" not in subjects
