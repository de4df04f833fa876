"""Every write of the evaluation: the programme's settings, the targets, each side's
evaluation, the mutual review meeting's record, the year's outcome and its next-year budget
line. Moves go through kyodo.evaluation.workflow; other writes are audited here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kyodo.accounts.models import Section, User
from kyodo.audit.services import audit_record
from kyodo.core.editing import expect_version
from kyodo.core.errors import DomainError, create_once
from kyodo.core.permissions import authorize
from kyodo.evaluation import workflow
from kyodo.evaluation.models import (
    CONTINUING,
    Axis,
    BudgetRequestLine,
    Evaluation,
    Outcome,
    ReviewMeeting,
    Scheme,
    Score,
    Side,
    TargetPlan,
    YearOutcome,
)
from kyodo.evaluation.seed import seed_evaluation
from kyodo.projects.models import Project, ProjectYear
from kyodo.projects.services import next_year_blocker

# --- the programme's settings -------------------------------------------------------------------


def scheme_of(project: Project) -> Scheme:
    """The evaluation settings of the project's programme (seeded from the city's TOML the
    first time they are asked for)."""
    programme = project.course.programme
    found = Scheme.objects.filter(programme=programme).first()
    return found if found is not None else seed_evaluation(programme)


@dataclass(frozen=True)
class AxisRow:
    pk: int | None
    name: str
    name_en: str
    order: int
    delete: bool = False


def _slug(name: str, taken: set[str]) -> str:
    base = f"axis{len(taken) + 1}"
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    return key


@transaction.atomic
def scheme_update(
    *, actor: User, scheme: Scheme, data: dict[str, Any], axes: list[AxisRow]
) -> Scheme:
    """The office edits the scale, the reason threshold, the difference marked for the
    meeting, the plan fields, the outcomes and the axes."""
    authorize(actor, "evaluation.configure")
    locked = Scheme.objects.select_for_update().get(pk=scheme.pk)
    low, high = data["scale_min"], data["scale_max"]
    if high <= low:
        raise DomainError(_("最高の段階は最低の段階より大きくしてください。"), field="scale_max")
    if not low <= data["reason_at_or_below"] <= high:
        raise DomainError(
            _("理由が必要な段階は、評価の段階の範囲で指定してください。"),
            field="reason_at_or_below",
        )
    as_planned = data.get("as_planned")
    if as_planned is not None and not low <= as_planned <= high:
        raise DomainError(
            _("「計画どおり」の段階は、評価の段階の範囲で指定してください。"), field="as_planned"
        )
    if not data["plan_fields"]:
        raise DomainError(_("目標の項目を1つ以上書いてください。"), field="plan_fields")
    if not data["outcomes"]:
        raise DomainError(_("評価の結果を1つ以上選んでください。"), field="outcomes")
    before = {
        "scale": [locked.scale_min, locked.scale_max],
        "reason_at_or_below": locked.reason_at_or_below,
        "plan_fields": locked.plan_fields,
    }
    locked.scale_min, locked.scale_max, locked.as_planned = low, high, as_planned
    locked.scale_labels = {
        str(k): v for k, v in data["scale_labels"].items() if low <= int(k) <= high
    }
    locked.reason_at_or_below = data["reason_at_or_below"]
    locked.difference_steps = data["difference_steps"]
    locked.plan_fields = data["plan_fields"]
    locked.outcomes = [o for o in Outcome.values if o in data["outcomes"]]
    locked.save(
        update_fields=[
            "scale_min",
            "scale_max",
            "as_planned",
            "scale_labels",
            "reason_at_or_below",
            "difference_steps",
            "plan_fields",
            "outcomes",
            "updated_at",
        ]
    )
    existing = {a.pk: a for a in locked.axes.all()}
    taken = {a.key for a in existing.values()}
    for row in axes:
        axis = existing.get(row.pk or 0)
        if axis is not None and row.delete:
            if Score.objects.filter(axis=axis).exists():
                raise DomainError(
                    _("「%(axis)s」はすでに評価に使われているので削除できません。")
                    % {"axis": axis.name}
                )
            axis.delete()
            continue
        if row.delete or not row.name:
            continue
        if axis is None:
            key = _slug(row.name, taken)
            taken.add(key)
            Axis.objects.create(
                scheme=locked, key=key, name=row.name, name_en=row.name_en, order=row.order
            )
        else:
            axis.name, axis.name_en, axis.order = row.name, row.name_en, row.order
            axis.save(update_fields=["name", "name_en", "order"])
    if not locked.axes.exists():
        raise DomainError(_("評価の観点を1つ以上書いてください。"))
    audit_record(
        actor=actor,
        action="evaluation.settings",
        target=locked,
        changes={
            "scale": [before["scale"], [low, high]],
            "reason_at_or_below": [before["reason_at_or_below"], locked.reason_at_or_below],
            "plan_fields": [before["plan_fields"], locked.plan_fields],
        },
    )
    return locked


# --- targets ------------------------------------------------------------------------------------


def target_plan_of(project: Project) -> TargetPlan:
    plan, _created = TargetPlan.objects.get_or_create(project=project)
    return plan


@transaction.atomic
def targets_update(
    *, actor: User, plan: TargetPlan, values: dict[str, str], expected_version: int | None = None
) -> TargetPlan:
    locked = (
        TargetPlan.objects.select_for_update(of=("self",))
        .select_related("project__group", "project__course__programme")
        .get(pk=plan.pk)
    )
    authorize(actor, "evaluation.edit_targets", locked)
    fields = expect_version(locked, expected_version)
    names = scheme_of(locked.project).plan_fields
    before = locked.values
    locked.values = {name: (values.get(name) or "").strip() for name in names}
    locked.save(update_fields=[*fields, "values", "updated_at"])
    audit_record(
        actor=actor,
        action="targets.edit",
        target=locked,
        changes={"values": [before, locked.values]},
    )
    return locked


def targets_transition(*, actor: User, plan: TargetPlan, action: str, reason: str = "") -> Any:
    return workflow.TARGETS.transition(actor=actor, obj=plan, action=action, reason=reason)


# --- evaluations --------------------------------------------------------------------------------


def ensure_scores(evaluation: Evaluation, scheme: Scheme) -> None:
    """A score row (empty until filled in) for each of the programme's axes."""
    have = set(evaluation.scores.values_list("axis_id", flat=True))
    Score.objects.bulk_create(
        Score(evaluation=evaluation, axis=axis) for axis in scheme.axes.all() if axis.pk not in have
    )


def evaluation_of(segment: ProjectYear, side: str) -> Evaluation:
    """A side's evaluation of the year (made, as a draft, the first time it is asked for)."""
    if side not in Side.values:
        raise DomainError(_("この評価はありません。"))
    found = Evaluation.objects.filter(segment=segment, side=side).first()
    if found is None:
        found = create_once(
            lambda: Evaluation.objects.create(segment=segment, side=side),
            message=_("この評価はすでにあります。"),
        )
    ensure_scores(found, scheme_of(segment.project))
    return found


@dataclass(frozen=True)
class ScoreRow:
    axis_id: int
    score: int | None
    reason: str


@transaction.atomic
def evaluation_update(
    *,
    actor: User,
    evaluation: Evaluation,
    rows: list[ScoreRow],
    comment: str,
    expected_version: int | None = None,
) -> Evaluation:
    """Save a draft: scores on the programme's scale, and a reason wherever a score is at or
    below the threshold (the same rule as at submission, so it is said where it is typed)."""
    locked = (
        Evaluation.objects.select_for_update(of=("self",))
        .select_related("segment__project__group", "segment__project__course__programme")
        .get(pk=evaluation.pk)
    )
    authorize(actor, "evaluation.edit", locked)
    scheme = scheme_of(locked.segment.project)
    scores = {s.axis_id: s for s in locked.scores.select_related("axis")}
    errors: dict[str, str] = {}
    for row in rows:
        score = scores.get(row.axis_id)
        if score is None:
            continue
        if row.score is not None and not scheme.scale_min <= row.score <= scheme.scale_max:
            errors[f"score_{row.axis_id}"] = _("評価の段階から選んでください。")
        elif scheme.needs_reason(row.score) and not row.reason.strip():
            errors[f"reason_{row.axis_id}"] = _(
                "%(point)s以下の評価には、理由を書いてください。"
            ) % {"point": scheme.label(scheme.reason_at_or_below)}
    if errors:
        raise DomainError(next(iter(errors.values())), errors=dict(errors))
    fields = expect_version(locked, expected_version)
    changes: dict[str, Any] = {}
    for row in rows:
        score = scores.get(row.axis_id)
        if score is None:
            continue
        reason = row.reason.strip()
        if (score.score, score.reason) != (row.score, reason):
            changes[score.axis.key] = [score.score, row.score]
            score.score, score.reason = row.score, reason
            score.save(update_fields=["score", "reason"])
    locked.comment = comment.strip()
    locked.save(update_fields=[*fields, "comment", "updated_at"])
    audit_record(actor=actor, action="evaluation.edit", target=locked, changes=changes)
    return locked


def evaluation_transition(
    *, actor: User, evaluation: Evaluation, action: str, reason: str = ""
) -> Any:
    return workflow.EVALUATION.transition(actor=actor, obj=evaluation, action=action, reason=reason)


# --- the mutual review meeting ------------------------------------------------------------------


@transaction.atomic
def meeting_record(
    *,
    actor: User,
    segment: ProjectYear,
    held_on: dt.date,
    attendees: str,
    discussions: dict[str, str],
    conclusion: str,
    expected_version: int | None = None,
) -> ReviewMeeting:
    """Keep the meeting's record: the date (not in the future), who attended, what was said
    on each item of the agenda (the axes the partners differ on) and the conclusion."""
    from kyodo.evaluation.selectors import agenda_of

    authorize(actor, "evaluation.record_meeting", segment)
    if held_on > timezone.localdate():
        raise DomainError(_("開催日に未来の日付は入力できません。"), field="held_on")
    agenda = [row.axis.key for row in agenda_of(segment)]
    kept = {key: (discussions.get(key) or "").strip() for key in agenda}
    meeting = (
        ReviewMeeting.objects.select_for_update().filter(segment=segment).order_by("pk").first()
    )
    values = {
        "held_on": held_on,
        "attendees": attendees.strip(),
        "discussions": kept,
        "conclusion": conclusion.strip(),
        "recorded_by": actor,
    }
    if meeting is None:
        meeting = create_once(
            lambda: ReviewMeeting.objects.create(segment=segment, **values),
            message=_("この年度の相互評価会議の記録はすでにあります。"),
        )
        before = None
    else:
        fields = expect_version(meeting, expected_version)
        before = meeting.held_on.isoformat()
        for name, value in values.items():
            setattr(meeting, name, value)
        meeting.save(update_fields=[*fields, *values, "updated_at"])
    audit_record(
        actor=actor,
        action="evaluation.meeting_record",
        target=meeting,
        summary=meeting.conclusion,
        changes={"held_on": [before, held_on.isoformat()], "agenda": [None, agenda]},
    )
    return meeting


# --- the outcome and the next year's budget line ----------------------------------------------


def _default_amount(segment: ProjectYear) -> int:
    """This year's approved amount, or the next year's where it is already planned."""
    following = segment.project.segments.filter(fiscal_year=segment.fiscal_year + 1).first()
    return (following or segment).approved_amount


@transaction.atomic
def outcome_record(
    *, actor: User, segment: ProjectYear, outcome: str, reason: str, reflection: str
) -> YearOutcome:
    """Record (or correct, while its budget line is still being planned) the outcome of the
    year. A continuing outcome puts the next year's budget line on the office's list; a
    stopping one takes a planned line off it."""
    from kyodo.evaluation.selectors import partners_submitted

    authorize(actor, "evaluation.record_outcome", segment)
    scheme = scheme_of(segment.project)
    if outcome not in scheme.outcomes:
        raise DomainError(_("この制度では使わない評価の結果です。"), field="outcome")
    if not partners_submitted(segment):
        raise DomainError(
            _("団体と担当課の評価が両方提出されてから、評価の結果を記録してください。")
        )
    if not reason.strip():
        raise DomainError(_("理由を書いてください。"), field="reason")
    if not reflection.strip():
        raise DomainError(_("次年度への反映を書いてください。"), field="reflection")
    continuing = outcome in CONTINUING
    if continuing:
        blocker = next_year_blocker(project=segment.project, fiscal_year=segment.fiscal_year + 1)
        if blocker:
            raise DomainError(
                _("次年度に継続できません：%(why)s") % {"why": blocker}, field="outcome"
            )
    existing = (
        YearOutcome.objects.select_for_update().filter(segment=segment).order_by("pk").first()
    )
    line = (
        BudgetRequestLine.objects.select_for_update()
        .filter(outcome=existing)
        .order_by("pk")
        .first()
        if existing is not None
        else None
    )
    if line is not None and line.status != workflow.PLANNED:
        raise DomainError(_("次年度の予算を要求した後は、評価の結果を変えられません。"))
    now = timezone.now()
    values = {
        "outcome": outcome,
        "reason": reason.strip(),
        "reflection": reflection.strip(),
        "recorded_by": actor,
        "recorded_at": now,
    }
    before = existing.outcome if existing is not None else None
    if existing is None:
        existing = create_once(
            lambda: YearOutcome.objects.create(segment=segment, **values),
            message=_("この年度の評価の結果はすでに記録されています。"),
        )
    else:
        for name, value in values.items():
            setattr(existing, name, value)
        existing.save(update_fields=[*values, "updated_at"])
    audit_record(
        actor=actor,
        action="evaluation.outcome",
        target=existing,
        summary=existing.reason,
        changes={"outcome": [before, outcome]},
    )
    if continuing and line is None:
        project = segment.project
        line = BudgetRequestLine.objects.create(
            outcome=existing,
            project=project,
            fiscal_year=segment.fiscal_year + 1,
            section_id=project.section_id,
            course_id=project.course_id,
            amount=_default_amount(segment),
            basis=f"{existing.get_outcome_display()}：{existing.reflection}",
        )
        audit_record(
            actor=actor,
            action="budget_line.plan",
            target=line,
            changes={"amount": [None, line.amount], "fiscal_year": [None, line.fiscal_year]},
        )
    elif not continuing and line is not None:
        audit_record(
            actor=actor,
            action="budget_line.drop",
            target=line,
            summary=existing.reason,
            changes={"amount": [line.amount, None]},
        )
        line.delete()
    return existing


@transaction.atomic
def budget_line_update(
    *,
    actor: User,
    line: BudgetRequestLine,
    section: Section | None,
    amount: int,
    basis: str,
    expected_version: int | None = None,
) -> BudgetRequestLine:
    locked = (
        BudgetRequestLine.objects.select_for_update(of=("self",))
        .select_related("project__section")
        .get(pk=line.pk)
    )
    authorize(actor, "evaluation.edit_budget_line", locked)
    if not basis.strip():
        raise DomainError(_("積算の根拠を書いてください。"), field="basis")
    fields = expect_version(locked, expected_version)
    changes = {
        "amount": [locked.amount, amount],
        "section": [locked.section_id, section.pk if section else None],
    }
    locked.section, locked.amount, locked.basis = section, amount, basis.strip()
    locked.save(update_fields=[*fields, "section", "amount", "basis", "updated_at"])
    audit_record(actor=actor, action="budget_line.edit", target=locked, changes=changes)
    return locked


def budget_line_transition(
    *, actor: User, line: BudgetRequestLine, action: str, reason: str = ""
) -> Any:
    return workflow.BUDGET_LINE.transition(actor=actor, obj=line, action=action, reason=reason)


@transaction.atomic
def budget_line_pass(
    *, actor: User, line: BudgetRequestLine, passed_on: dt.date
) -> BudgetRequestLine:
    """The office records that the budget passed: the next year's segment and the agreement
    follow (kyodo.evaluation.workflow BUDGET_LINE "pass")."""
    authorize(actor, "evaluation.pass_budget", line)
    if passed_on > timezone.localdate():
        raise DomainError(_("予算の成立日に未来の日付は入力できません。"), field="passed_on")
    result: BudgetRequestLine = workflow.BUDGET_LINE.transition(
        actor=actor, obj=line, action="pass", by_service=True, passed_on=passed_on
    )
    return result
