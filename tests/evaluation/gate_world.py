"""The evaluation's objects in the gates' world (tests/gates): registered in
tests/gates/test_authorization_matrix.py WORLD_BUILDERS, after the projects world.

On project_a (group A's, in the department persona's section): the targets drafted by the
group and complete ("plan_a"); year 1 ("segment_a1") evaluated by both partners, who differ
by two steps on 事業の進捗, with the committee's evaluation still the office's draft, no
meeting record yet, and the outcome "improve" whose next-year budget line is being planned
("line_a"); year 2 ("segment_a2") with the group's evaluation written but not submitted
("evaluation_a"). The programme's evaluation settings come from the city's TOML."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from kyodo.evaluation import services
from kyodo.evaluation.models import BudgetRequestLine, Evaluation, Score, YearOutcome


def _scores(evaluation: Evaluation, values: dict[str, int], reasons: dict[str, str]) -> None:
    for score in evaluation.scores.select_related("axis"):
        score.score = values.get(score.axis.key, 3)
        score.reason = reasons.get(score.axis.key, "")
        score.save(update_fields=["score", "reason"])


def evaluation_world(world: Any) -> dict[str, Any]:
    project = world.extra["project_a"]
    scheme = services.scheme_of(project)
    plan = services.target_plan_of(project)
    plan.values = {name: f"ゲートの{name}" for name in scheme.plan_fields}
    plan.save(update_fields=["values"])
    year1 = project.segments.get(year_index=1)
    year2 = project.segments.get(year_index=2)
    # Year 1, a past state: both partners submitted, two steps apart on progress.
    now = timezone.now()
    for side, values, reasons in (
        ("group", {"progress": 2}, {"progress": "ゲートの理由：会場が遠かった"}),
        ("department", {"progress": 4}, {}),
    ):
        evaluation = services.evaluation_of(year1, side)
        _scores(evaluation, values, reasons)
        Evaluation.objects.filter(pk=evaluation.pk).update(status="submitted", submitted_at=now)
    committee = services.evaluation_of(year1, "committee")
    _scores(committee, {}, {})
    outcome = YearOutcome.objects.create(
        segment=year1,
        outcome="improve",
        reason="ゲートの理由",
        reflection="ゲートの反映：周知を学校経由にする",
        recorded_by=world.users["office_staff"],
        recorded_at=now,
    )
    line = BudgetRequestLine.objects.create(
        outcome=outcome,
        project=project,
        fiscal_year=year2.fiscal_year,
        section_id=project.section_id,
        course_id=project.course_id,
        amount=year2.approved_amount,
        basis="ゲートの積算根拠",
    )
    # Year 2: the group's evaluation written (every axis 3), not yet submitted.
    evaluation = services.evaluation_of(year2, "group")
    _scores(evaluation, {}, {})
    assert Score.objects.filter(evaluation=evaluation, score__isnull=True).count() == 0
    return {
        "plan_a": plan,
        "segment_a1": year1,
        "segment_a2": year2,
        "evaluation_a": evaluation,
        "line_a": line,
    }
