"""Reads of the evaluation: a project year's evaluations side by side with the differences
marked, the meeting's agenda, what waits for each person, the budget-planning list and the
public summaries (never a draft)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from kyodo.accounts.models import Role
from kyodo.accounts.permissions import is_person
from kyodo.core.permissions import check
from kyodo.evaluation import rules, workflow
from kyodo.evaluation.models import (
    Axis,
    BudgetRequestLine,
    Evaluation,
    Scheme,
    Score,
    Side,
    TargetPlan,
    YearOutcome,
)
from kyodo.evaluation.services import scheme_of
from kyodo.projects.models import Project, ProjectYear
from kyodo.projects.selectors import visible_projects
from kyodo.registry.models import GroupMembership


@dataclass
class AxisRow:
    axis: Axis
    group: Score | None
    department: Score | None
    committee: Score | None
    apart: int | None
    marked: bool
    labels: dict[str, str] = field(default_factory=dict)  # side → the score as shown


@dataclass
class YearView:
    segment: ProjectYear
    evaluations: dict[str, Evaluation | None]
    rows: list[AxisRow]
    marked: list[AxisRow]
    outcome: YearOutcome | None
    meeting: Any
    mine: list[tuple[str, Evaluation]] = field(default_factory=list)


def _scores(evaluation: Evaluation | None) -> dict[int, Score]:
    if evaluation is None:
        return {}
    return {s.axis_id: s for s in evaluation.scores.all()}


def _side_by_side(
    scheme: Scheme, axes: list[Axis], shown: dict[str, Evaluation | None], partners: bool
) -> list[AxisRow]:
    """One row per axis; the difference is counted only between the two partners'
    submitted evaluations (`partners`)."""
    by_side = {side: _scores(e) for side, e in shown.items()}
    rows = []
    for axis in axes:
        g = by_side.get(Side.GROUP, {}).get(axis.pk)
        d = by_side.get(Side.DEPARTMENT, {}).get(axis.pk)
        c = by_side.get(Side.COMMITTEE, {}).get(axis.pk)
        gs, ds = (g.score if g else None), (d.score if d else None)
        apart = rules.steps_apart(gs, ds) if partners else None
        rows.append(
            AxisRow(
                axis=axis,
                group=g,
                department=d,
                committee=c,
                apart=apart,
                marked=partners and rules.differs(gs, ds, steps=scheme.difference_steps),
                labels={
                    side: scheme.label(score.score) if score is not None else "—"
                    for side, score in ((Side.GROUP, g), (Side.DEPARTMENT, d), (Side.COMMITTEE, c))
                },
            )
        )
    return rows


def _evaluations(segment: ProjectYear) -> dict[str, Evaluation]:
    return {
        e.side: e
        for e in Evaluation.objects.filter(segment=segment).prefetch_related("scores__axis")
    }


def partners_submitted(segment: ProjectYear) -> bool:
    return (
        Evaluation.objects.filter(
            segment=segment, side__in=(Side.GROUP, Side.DEPARTMENT), status=workflow.SUBMITTED
        ).count()
        == 2
    )


def agenda_of(segment: ProjectYear) -> list[AxisRow]:
    """The agenda of the mutual review meeting: the axes on which the group's and the
    department's submitted evaluations differ by the programme's steps or more."""
    scheme = scheme_of(segment.project)
    found = _evaluations(segment)
    partners: dict[str, Evaluation | None] = {
        str(side): found.get(side) if found.get(side) and found[side].submitted else None
        for side in (Side.GROUP, Side.DEPARTMENT)
    }
    both = all(partners.values())
    return [
        row for row in _side_by_side(scheme, list(scheme.axes.all()), partners, both) if row.marked
    ]


def year_view(user: Any, segment: ProjectYear, scheme: Scheme) -> YearView:
    """What this person sees of a year's evaluations: every submitted one, and their own
    side's draft."""
    found = _evaluations(segment)
    shown: dict[str, Evaluation | None] = {}
    for side in Side.values:
        e = found.get(side)
        shown[side] = e if e is not None and check("evaluation.see", user, e) else None
    partners = all(
        found.get(side) is not None and found[side].submitted
        for side in (Side.GROUP, Side.DEPARTMENT)
    )
    # A draft shown to its writer takes no part in the comparison.
    compared = {side: (e if e is None or e.submitted else None) for side, e in shown.items()}
    rows_compared = _side_by_side(scheme, list(scheme.axes.all()), compared, partners)
    rows = _side_by_side(scheme, list(scheme.axes.all()), shown, False)
    for row, c in zip(rows, rows_compared, strict=True):
        row.apart, row.marked = c.apart, c.marked
    view = YearView(
        segment=segment,
        evaluations=shown,
        rows=rows,
        marked=[r for r in rows if r.marked],
        outcome=YearOutcome.objects.filter(segment=segment).first(),
        meeting=getattr(segment, "review_meeting", None),
    )
    for side in scheme.evaluators:
        from kyodo.evaluation.permissions import writer_of

        if writer_of(user, segment, side):
            view.mine.append((side, found.get(side)))  # type: ignore[arg-type]
    return view


# --- what waits for each person -----------------------------------------------------------------


def _current_years() -> Q:
    """Project years whose fiscal year has begun: evaluated at (or after) their end."""
    from django.utils import timezone

    from kyodo.japan.calendar import fiscal_year

    return Q(fiscal_year__lte=fiscal_year(timezone.localdate()))


def _submitted_by(side: str) -> QuerySet[Evaluation, Any]:  # a values() subquery
    return Evaluation.objects.filter(side=side, status=workflow.SUBMITTED).values("segment_id")


def inbox(user: Any) -> dict[str, Any]:
    if not is_person(user):
        return {}
    items: dict[str, Any] = {}
    group_ids = list(GroupMembership.objects.filter(user=user).values_list("group_id", flat=True))
    if group_ids:
        projects = list(
            Project.objects.filter(group_id__in=group_ids)
            .select_related("group")
            .order_by("-first_fiscal_year", "-pk")[:20]
        )
        items["group_projects"] = projects
        items["group_targets"] = list(
            TargetPlan.objects.filter(
                project__group_id__in=group_ids, status=workflow.TARGETS_DRAFTING
            ).select_related("project")
        )
        items["group_evaluations"] = list(
            ProjectYear.objects.filter(_current_years(), project__group_id__in=group_ids)
            .exclude(pk__in=_submitted_by(Side.GROUP))
            .select_related("project")
            .order_by("fiscal_year", "pk")[:20]
        )
    if user.section_ids:
        sections = user.sections_in_charge
        items["department_targets"] = list(
            TargetPlan.objects.filter(
                project__section_id__in=sections, status=workflow.TARGETS_WITH_DEPARTMENT
            ).select_related("project")
        )
        items["department_evaluations"] = list(
            ProjectYear.objects.filter(_current_years(), project__section_id__in=sections)
            .exclude(pk__in=_submitted_by(Side.DEPARTMENT))
            .select_related("project")
            .order_by("fiscal_year", "pk")[:20]
        )
        items["department_lines"] = list(
            BudgetRequestLine.objects.filter(
                Q(section_id__in=sections) | Q(project__section_id__in=sections),
                status=workflow.PLANNED,
            ).select_related("project")
        )
    if user.has_role(Role.OFFICE):
        both = ProjectYear.objects.filter(pk__in=_submitted_by(Side.GROUP)).filter(
            pk__in=_submitted_by(Side.DEPARTMENT)
        )
        items["office_outcomes"] = list(
            both.filter(evaluation_outcome__isnull=True)
            .select_related("project")
            .order_by("fiscal_year", "pk")[:50]
        )
        items["office_committee"] = list(
            both.exclude(pk__in=_submitted_by(Side.COMMITTEE))
            .select_related("project")
            .order_by("fiscal_year", "pk")[:50]
        )
        items["office_lines"] = BudgetRequestLine.objects.filter(
            status__in=(workflow.PLANNED, workflow.REQUESTED)
        ).count()
    return {k: v for k, v in items.items() if v}


def staff_rows(user: Any) -> QuerySet[ProjectYear]:
    """The project years the office (all) or a department (its own) evaluates."""
    projects = visible_projects(user)
    if not user.has_role(Role.OFFICE):
        projects = projects.filter(section_id__in=user.sections_in_charge)
    return (
        ProjectYear.objects.filter(project__in=projects)
        .select_related("project__group", "project__section", "evaluation_outcome")
        .prefetch_related("evaluations")
        .order_by("-fiscal_year", "project__number")
    )


def budget_lines(user: Any, fiscal_year: int | None = None) -> QuerySet[BudgetRequestLine]:
    """The budget-planning list: the office sees every line, a department its own."""
    lines = BudgetRequestLine.objects.select_related(
        "project__group", "section", "course", "outcome"
    ).order_by("fiscal_year", "section__name", "project__number")
    if not user.has_role(Role.OFFICE):
        sections = user.sections_in_charge
        lines = lines.filter(Q(section_id__in=sections) | Q(project__section_id__in=sections))
    if fiscal_year is not None:
        lines = lines.filter(fiscal_year=fiscal_year)
    return lines


def budget_years(user: Any) -> list[int]:
    return sorted(set(budget_lines(user).values_list("fiscal_year", flat=True)))


# --- public -------------------------------------------------------------------------------------


@dataclass
class PublicYear:
    segment: ProjectYear
    committee: list[tuple[Axis, str]]
    committee_comment: str
    outcome: YearOutcome | None


def public_summary(project: Project) -> list[PublicYear]:
    """A project's public evaluation summary, per year: the committee's submitted
    evaluation, the outcome and the published reflection. Drafts and the partners' own
    evaluations are never in it. For the public project page
    (template: evaluation/_public_summary.html, context name `evaluation_summary`)."""
    scheme = scheme_of(project)
    committee = {
        e.segment_id: e
        for e in Evaluation.objects.filter(
            segment__project=project, side=Side.COMMITTEE, status=workflow.SUBMITTED
        ).prefetch_related("scores__axis")
    }
    outcomes = {o.segment_id: o for o in YearOutcome.objects.filter(segment__project=project)}
    years = []
    for segment in project.segments.order_by("year_index"):
        e = committee.get(segment.pk)
        outcome = outcomes.get(segment.pk)
        if e is None and outcome is None:
            continue
        years.append(
            PublicYear(
                segment=segment,
                committee=[(s.axis, scheme.label(s.score)) for s in e.scores.all()] if e else [],
                committee_comment=e.comment if e else "",
                outcome=outcome,
            )
        )
    return years


def reflection_years() -> list[int]:
    return sorted(
        set(YearOutcome.objects.values_list("segment__fiscal_year", flat=True)), reverse=True
    )


def public_reflections(fiscal_year: int) -> QuerySet[YearOutcome]:
    """How each evaluation of `fiscal_year` was reflected in the next year (published)."""
    return (
        YearOutcome.objects.filter(segment__fiscal_year=fiscal_year)
        .select_related("segment__project__group", "segment__project__section", "budget_line")
        .order_by("segment__project__number")
    )
