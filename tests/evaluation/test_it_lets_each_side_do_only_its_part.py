"""Who may do what: each side writes only its own evaluation, a draft is its writer's alone,
the department agrees to the targets the group drafted, the office records the committee's
evaluation, the outcome and the budget's passing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kyodo.accounts.models import Role
from kyodo.core.permissions import check
from kyodo.core.workflow import TransitionRefused
from kyodo.evaluation import services
from kyodo.projects.models import Project
from tests import factories
from tests.conftest import login
from tests.evaluation.conftest import write

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    login(client, user)
    return client


def test_each_side_writes_its_own_evaluation_only(
    project: Project,
    representative_a: Any,
    department_staff: Any,
    office_staff: Any,
    committee_member: Any,
    member_b: Any,
) -> None:
    segment = project.segments.get(year_index=1)
    for user, side in (
        (department_staff, "group"),
        (office_staff, "group"),
        (representative_a, "department"),
        (office_staff, "department"),
        (representative_a, "committee"),
        (department_staff, "committee"),
        (committee_member, "committee"),
        (member_b, "group"),
    ):
        with pytest.raises(PermissionDenied):
            write(segment, side, user, {}, submit=False)
        url = reverse("evaluation:evaluate", args=[segment.pk, side])
        assert _client(user).get(url).status_code == 403
    write(segment, "committee", office_staff, {})  # on the committee's behalf


def test_a_draft_is_seen_by_its_writer_alone(
    project: Project, representative_a: Any, department_staff: Any, office_staff: Any
) -> None:
    segment = project.segments.get(year_index=1)
    draft = write(segment, "group", representative_a, {"synergy": 5}, submit=False)
    assert check("evaluation.see", representative_a, draft)
    assert not check("evaluation.see", department_staff, draft)
    assert not check("evaluation.see", office_staff, draft)
    page = _client(department_staff).get(reverse("evaluation:project", args=[project.pk]))
    assert "group の総評" not in page.content.decode()
    services.evaluation_transition(actor=representative_a, evaluation=draft, action="submit")
    draft.refresh_from_db()
    assert check("evaluation.see", department_staff, draft)


def test_the_group_drafts_the_targets_and_the_department_agrees_or_returns_them(
    project: Project, representative_a: Any, department_staff: Any, office_staff: Any
) -> None:
    plan = services.target_plan_of(project)
    with pytest.raises(PermissionDenied):
        services.targets_update(actor=department_staff, plan=plan, values={})
    with pytest.raises(TransitionRefused, match="未記入"):
        services.targets_transition(actor=representative_a, plan=plan, action="submit")
    fields = services.scheme_of(project).plan_fields
    assert fields == [
        "目標とする成果",
        "活動指標",
        "対象",
        "目標値",
        "受益者評価の目標値",
        "測定方法",
    ]
    plan = services.targets_update(
        actor=representative_a, plan=plan, values={name: f"{name}の案" for name in fields}
    )
    services.targets_transition(actor=representative_a, plan=plan, action="submit")
    with pytest.raises(PermissionDenied):
        services.targets_transition(actor=office_staff, plan=plan, action="agree")
    services.targets_transition(
        actor=department_staff, plan=plan, action="return", reason="目標値を数字で"
    )
    plan.refresh_from_db()
    assert plan.status == "drafting" and plan.return_reason == "目標値を数字で"
    services.targets_transition(actor=representative_a, plan=plan, action="submit")
    services.targets_transition(actor=department_staff, plan=plan, action="agree")
    plan.refresh_from_db()
    assert plan.status == "agreed" and plan.agreed_at is not None


def test_only_the_office_records_the_outcome_and_the_passing(
    project: Project, representative_a: Any, department_staff: Any, office_staff: Any
) -> None:
    segment = project.segments.get(year_index=1)
    write(segment, "group", representative_a, {})
    write(segment, "department", department_staff, {})
    with pytest.raises(PermissionDenied):
        services.outcome_record(
            actor=department_staff, segment=segment, outcome="continue", reason="r", reflection="r"
        )
    outcome = services.outcome_record(
        actor=office_staff, segment=segment, outcome="continue", reason="r", reflection="r"
    )
    line = outcome.budget_line
    other = factories.staff_user(Role.DEPARTMENT, section=factories.SectionFactory(name="別の課"))
    assert not check("evaluation.handle_budget_line", other, line)
    with pytest.raises(PermissionDenied):
        services.budget_line_transition(actor=other, line=line, action="request")
    services.budget_line_transition(actor=department_staff, line=line, action="request")
    with pytest.raises(PermissionDenied):
        services.budget_line_pass(actor=department_staff, line=line, passed_on=timezone.localdate())
