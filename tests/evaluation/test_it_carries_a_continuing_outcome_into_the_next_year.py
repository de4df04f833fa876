"""Outcome → budget line → passed → the next year's segment and agreement version, with the
amounts worked out by hand; a passing date in the future is refused; a continuing outcome
beyond the course's maximum years is refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from kyodo.audit.models import AuditEvent
from kyodo.core.errors import DomainError
from kyodo.evaluation import selectors, services
from kyodo.evaluation.models import BudgetRequestLine
from kyodo.projects.models import Project
from tests.evaluation.conftest import conclude, write
from tests.projects.conftest import adopted, make_final, section_of

pytestmark = pytest.mark.django_db


def _evaluate_year(segment: Any, rep: Any, dept: Any, office: Any) -> None:
    write(segment, "group", rep, {"progress": 2}, {"progress": "参加者が予定の半分だった"})
    write(segment, "department", dept, {"progress": 4})
    write(segment, "committee", office, {"synergy": 4})


def test_continue_with_improvements_becomes_the_next_years_approved_amount_and_agreement(
    project: Project, representative_a: Any, department_staff: Any, office_staff: Any
) -> None:
    agreement = conclude(project, representative_a, department_staff, office_staff)
    year1, year2 = project.segments.order_by("year_index")[:2]
    # From the proposal's budget: the city 400,000 / 300,000, the group 100,000 a year.
    assert (year2.approved_amount, year2.group_amount, year2.total_cost) == (
        300_000,
        100_000,
        400_000,
    )
    versions_before = agreement.versions.count()
    _evaluate_year(year1, representative_a, department_staff, office_staff)
    outcome = services.outcome_record(
        actor=office_staff,
        segment=year1,
        outcome="improve",
        reason="参加者が少なかったが、内容の評価は高い",
        reflection="周知を学校経由に改め、回数を月2回に増やす",
    )
    line = BudgetRequestLine.objects.get(outcome=outcome)
    # The next year's approved amount is the default; the fiscal year is the next one.
    assert (line.fiscal_year, line.amount, line.section_id) == (2027, 300_000, project.section_id)
    # The department raises it for the second session a month: 300,000 + 12 × 4,000 = 348,000.
    services.budget_line_update(
        actor=department_staff,
        line=line,
        section=line.section,
        amount=300_000 + 12 * 4_000,
        basis="講師謝礼 4,000円 × 12回の追加",
    )
    services.budget_line_transition(actor=department_staff, line=line, action="request")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(DomainError, match="未来"):
        services.budget_line_pass(actor=office_staff, line=line, passed_on=tomorrow)
    line.refresh_from_db()
    assert line.status == "requested"
    services.budget_line_pass(actor=office_staff, line=line, passed_on=timezone.localdate())

    line.refresh_from_db()
    year2.refresh_from_db()
    agreement.refresh_from_db()
    assert line.status == "passed" and line.passed_on == timezone.localdate()
    # 348,000 from the city + the group's 100,000 = 448,000.
    assert (year2.approved_amount, year2.group_amount, year2.total_cost) == (
        348_000,
        100_000,
        448_000,
    )
    # A change agreement (round 2) with the reason, whose new version holds the new split.
    assert agreement.status == "drafting_by_group"
    assert agreement.round == 2 and agreement.kind == "change"
    assert agreement.change_reason.startswith("次年度の予算成立")
    latest = agreement.versions.order_by("-number").first()
    assert agreement.versions.count() == versions_before + 1
    costs = {c["year_index"]: (c["city"], c["group"]) for c in latest.snapshot["costs"]}
    assert costs == {1: (400_000, 100_000), 2: (348_000, 100_000), 3: (200_000, 100_000)}
    assert AuditEvent.objects.filter(
        action="budget_line.pass", target_id=str(line.pk), changes__status=["requested", "passed"]
    ).exists()
    assert AuditEvent.objects.filter(action="project.next_year", target_id=str(project.pk)).exists()
    # Once requested, the outcome can no longer be changed.
    with pytest.raises(DomainError, match="要求した後"):
        services.outcome_record(
            actor=office_staff, segment=year1, outcome="stop", reason="r", reflection="r"
        )


def test_a_passed_budget_makes_the_missing_year_up_to_the_courses_maximum(
    office_staff: Any, group_a: Any, department_staff: Any, representative_a: Any
) -> None:
    # A two-year plan on the three-year course: year 3 does not exist yet.
    project = make_final(
        office_staff, adopted(office_staff, group_a, section_of(department_staff), years=2)
    )
    year2 = project.segments.get(year_index=2)
    _evaluate_year(year2, representative_a, department_staff, office_staff)
    outcome = services.outcome_record(
        actor=office_staff,
        segment=year2,
        outcome="expand",
        reason="市内全域に広げる",
        reflection="3年目は2地区を加える",
    )
    line = outcome.budget_line
    assert (line.fiscal_year, line.amount) == (2028, 300_000)  # year 2's, as nothing follows
    services.budget_line_update(
        actor=office_staff, line=line, section=line.section, amount=250_000, basis="2地区分"
    )
    services.budget_line_transition(actor=office_staff, line=line, action="request")
    services.budget_line_pass(
        actor=office_staff, line=line, passed_on=timezone.localdate() - dt.timedelta(days=1)
    )
    project.refresh_from_db()
    year3 = project.segments.get(year_index=3)
    # 250,000 from the city + the group's 100,000 carried from year 2 = 350,000.
    assert (year3.fiscal_year, year3.approved_amount, year3.group_amount, year3.total_cost) == (
        2028,
        250_000,
        100_000,
        350_000,
    )
    assert project.years == 3
    # The agreement was still being drafted: a new version of the draft carries year 3.
    latest = project.agreement.versions.order_by("-number").first()
    assert latest.note.startswith("次年度の予算成立")
    assert latest.snapshot["costs"][-1] == {
        "year_index": 3,
        "fiscal_year": 2028,
        "city": 250_000,
        "group": 100_000,
    }
    assert latest.snapshot["term"]["end"] == "2029-03-31"
    # Year 3 is the course's last: continuing beyond it is refused.
    _evaluate_year(year3, representative_a, department_staff, office_staff)
    with pytest.raises(DomainError, match="最長3年"):
        services.outcome_record(
            actor=office_staff, segment=year3, outcome="continue", reason="r", reflection="r"
        )
    services.outcome_record(
        actor=office_staff,
        segment=year3,
        outcome="completed",
        reason="3年で完了",
        reflection="自主事業へ",
    )
    assert not BudgetRequestLine.objects.filter(fiscal_year=2029).exists()


def test_the_outcome_waits_for_both_partners_and_a_stop_takes_the_planned_line_off(
    project: Project, representative_a: Any, department_staff: Any, office_staff: Any
) -> None:
    year1 = project.segments.get(year_index=1)
    write(year1, "group", representative_a, {})
    with pytest.raises(DomainError, match="両方"):
        services.outcome_record(
            actor=office_staff, segment=year1, outcome="continue", reason="r", reflection="r"
        )
    write(year1, "department", department_staff, {})
    services.outcome_record(
        actor=office_staff, segment=year1, outcome="continue", reason="順調", reflection="同様に"
    )
    assert BudgetRequestLine.objects.filter(project=project).count() == 1
    services.outcome_record(
        actor=office_staff, segment=year1, outcome="stop", reason="団体の解散", reflection="終了"
    )
    assert not BudgetRequestLine.objects.filter(project=project).exists()
    assert AuditEvent.objects.filter(action="budget_line.drop").exists()


def test_the_public_summary_has_the_committee_the_outcome_and_the_reflection_only(
    project: Project, representative_a: Any, department_staff: Any, office_staff: Any
) -> None:
    year1 = project.segments.get(year_index=1)
    write(year1, "group", representative_a, {"synergy": 5})
    write(year1, "department", department_staff, {"synergy": 4})
    committee = write(
        year1, "committee", office_staff, {"synergy": 2}, {"synergy": "連携不足"}, submit=False
    )
    assert selectors.public_summary(project) == []  # the committee's draft is not public
    services.evaluation_transition(actor=office_staff, evaluation=committee, action="submit")
    services.outcome_record(
        actor=office_staff,
        segment=year1,
        outcome="improve",
        reason="r",
        reflection="連携会議を毎月",
    )
    (summary,) = selectors.public_summary(project)
    assert [(axis.key, label) for axis, label in summary.committee][:2] == [
        ("synergy", "2"),
        ("progress", "3"),
    ]
    assert summary.outcome.reflection == "連携会議を毎月"
