"""The evaluation's three workflows, as tables on the engine (kyodo.core.workflow):

- TARGETS: the group drafts the targets and sends them to the department, which agrees or
  returns them with a comment; either partner (or the office) may reopen agreed targets
  with a reason.
- EVALUATION: one side's evaluation of a project year, draft → submitted (every axis
  scored, a reason wherever the score is at or below the threshold); the office may return
  a submitted evaluation with a reason until the year's outcome is recorded.
- BUDGET_LINE: the next year's budget line, planned → requested → passed or not passed.
  The passing is started by kyodo.evaluation.services.budget_line_pass (with the date it
  passed); its effect creates the next year's segment or updates its approved amount and
  carries the split into the agreement (kyodo.projects.services.next_year_budget_passed).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kyodo.core.permissions import ALLOW, Decision, deferred, deny, describe
from kyodo.core.workflow import Move, State, Transition, Workflow, states, table

TARGETS_DRAFTING = "drafting"
TARGETS_WITH_DEPARTMENT = "with_department"
TARGETS_AGREED = "agreed"

DRAFT = "draft"
SUBMITTED = "submitted"

PLANNED = "planned"
REQUESTED = "requested"
PASSED = "passed"
NOT_PASSED = "not_passed"


_group = deferred("kyodo.evaluation.permissions.can_act_as_group")
_department = deferred("kyodo.evaluation.permissions.can_act_as_department")
_partner = deferred("kyodo.evaluation.permissions.can_act_as_partner")
_writer = deferred("kyodo.evaluation.permissions.can_write")
_office_reopens = deferred("kyodo.evaluation.permissions.can_reopen")
_line_handler = deferred("kyodo.evaluation.permissions.can_handle_budget_line")
_office_passes = deferred("kyodo.evaluation.permissions.can_pass_budget")


# --- targets ----------------------------------------------------------------------------------


@describe(_("目標のすべての項目が書かれていること"))
def _targets_complete(user: Any, plan: Any, params: dict[str, Any]) -> Decision:
    from kyodo.evaluation.services import scheme_of

    missing = [
        name
        for name in scheme_of(plan.project).plan_fields
        if not str((plan.values or {}).get(name) or "").strip()
    ]
    if missing:
        return deny(
            _("目標のすべての項目を書いてから回してください（未記入：%(names)s）。")
            % {"names": "、".join(missing)}
        )
    return ALLOW


@describe(_("事業の担当課が決まっていること"))
def _has_department(user: Any, plan: Any, params: dict[str, Any]) -> Decision:
    if plan.project.section_id is None:
        return deny(_("この事業の担当課が決まっていません。協働担当課にお問い合わせください。"))
    return ALLOW


def _clear_return(move: Move[Any]) -> None:
    move.set(return_reason="")


def _record_return(move: Move[Any]) -> None:
    move.set(return_reason=move.reason, agreed_at=None)


def _agreed(move: Move[Any]) -> None:
    move.set(agreed_at=move.now, return_reason="")


TARGETS: Workflow[Any] = Workflow(
    key="evaluation_targets",
    label=_("事業の目標"),
    model_label="evaluation.TargetPlan",
    noun=_("目標"),
    audit_prefix="targets",
    lock_related=("project__group", "project__section", "project__course__programme"),
    touch=("updated_at",),
    initial=TARGETS_DRAFTING,
    states=states(
        [
            State(
                TARGETS_DRAFTING,
                _("団体が作成中"),
                _("目標の案を作成して担当課に回してください"),
                _("作成中"),
                editable_by_owner=True,
            ),
            State(
                TARGETS_WITH_DEPARTMENT,
                _("担当課が確認中"),
                _("担当課が目標を確認しています"),
                _("作成中"),
            ),
            State(TARGETS_AGREED, _("合意済み"), _("合意済み"), _("合意済み")),
        ]
    ),
    transitions=table(
        [
            Transition(
                "submit",
                _("担当課に回す"),
                frozenset({TARGETS_DRAFTING}),
                TARGETS_WITH_DEPARTMENT,
                _group,
                guards=(_has_department, _targets_complete),
                effects=(_clear_return,),
                event="targets.submit",
            ),
            Transition(
                "agree",
                _("目標に合意する"),
                frozenset({TARGETS_WITH_DEPARTMENT}),
                TARGETS_AGREED,
                _department,
                effects=(_agreed,),
                event="targets.agree",
            ),
            Transition(
                "return",
                _("団体に戻す（コメント付き）"),
                frozenset({TARGETS_WITH_DEPARTMENT}),
                TARGETS_DRAFTING,
                _department,
                needs_reason=True,
                effects=(_record_return,),
                event="targets.return",
            ),
            Transition(
                "reopen",
                _("目標を見直す（案に戻す）"),
                frozenset({TARGETS_AGREED}),
                TARGETS_DRAFTING,
                _partner,
                needs_reason=True,
                effects=(_record_return,),
                event="targets.reopen",
            ),
        ]
    ),
)


# --- evaluations ------------------------------------------------------------------------------


@describe(
    _(
        "すべての項目が評価され、理由の記入が必要な段階（設定された段階以下）の項目には理由が書かれていること"
    )
)
def _evaluation_complete(user: Any, evaluation: Any, params: dict[str, Any]) -> Decision:
    from kyodo.evaluation.services import scheme_of

    scheme = scheme_of(evaluation.segment.project)
    scores = {s.axis_id: s for s in evaluation.scores.all()}
    for axis in scheme.axes.all():
        score = scores.get(axis.pk)
        if score is None or score.score is None:
            return deny(_("「%(axis)s」を評価してから提出してください。") % {"axis": axis.label})
        if scheme.needs_reason(score.score) and not score.reason.strip():
            return deny(
                _("「%(axis)s」は%(point)s以下なので、理由を書いてから提出してください。")
                % {"axis": axis.label, "point": scheme.label(scheme.reason_at_or_below)}
            )
    return ALLOW


@describe(_("その年度の評価の結果がまだ記録されていないこと"))
def _no_outcome_yet(user: Any, evaluation: Any, params: dict[str, Any]) -> Decision:
    from kyodo.evaluation.models import YearOutcome

    if YearOutcome.objects.filter(segment_id=evaluation.segment_id).exists():
        return deny(_("この年度の評価の結果が記録されているので、評価は差し戻せません。"))
    return ALLOW


def _submitted(move: Move[Any]) -> None:
    move.set(submitted_at=move.now, return_reason="")
    move.payload["side"] = move.obj.side


def _evaluation_returned(move: Move[Any]) -> None:
    move.set(submitted_at=None, return_reason=move.reason)
    move.payload["side"] = move.obj.side


EVALUATION: Workflow[Any] = Workflow(
    key="evaluation",
    label=_("年度末の評価"),
    model_label="evaluation.Evaluation",
    noun=_("評価"),
    audit_prefix="evaluation",
    lock_related=("segment__project__group", "segment__project__section"),
    touch=("updated_at",),
    initial=DRAFT,
    states=states(
        [
            State(DRAFT, _("作成中"), _("評価を書いて提出してください"), _("作成中")),
            State(SUBMITTED, _("提出済み"), _("提出済み"), _("提出済み")),
        ]
    ),
    transitions=table(
        [
            Transition(
                "submit",
                _("評価を提出する"),
                frozenset({DRAFT}),
                SUBMITTED,
                _writer,
                guards=(_evaluation_complete,),
                effects=(_submitted,),
                event="evaluation.submit",
            ),
            Transition(
                "reopen",
                _("評価を差し戻す"),
                frozenset({SUBMITTED}),
                DRAFT,
                _office_reopens,
                guards=(_no_outcome_yet,),
                needs_reason=True,
                effects=(_evaluation_returned,),
                event="evaluation.reopen",
            ),
        ]
    ),
)


# --- the next year's budget line --------------------------------------------------------------


@describe(_("予算の成立日が入力され、未来の日付でないこと"))
def _passed_on_given(user: Any, line: Any, params: dict[str, Any]) -> Decision:
    passed_on = params.get("passed_on")
    if passed_on is None:
        return deny(_("予算の成立日を入力してください。"))
    if passed_on > timezone.localdate():
        return deny(_("予算の成立日に未来の日付は入力できません。"))
    return ALLOW


@describe(_("その年度が事業の開始後で、コースの最長年数を超えず、協定が取りやめになっていないこと"))
def _next_year_possible(user: Any, line: Any, params: dict[str, Any]) -> Decision:
    from kyodo.projects.services import next_year_blocker

    blocker = next_year_blocker(project=line.project, fiscal_year=line.fiscal_year)
    return deny(blocker) if blocker else ALLOW


def _record_passed(move: Move[Any]) -> None:
    passed_on = move.params["passed_on"]
    move.set(passed_on=passed_on, decision_note="")
    move.changes["passed_on"] = [None, passed_on.isoformat()]
    move.payload["fiscal_year"] = move.obj.fiscal_year


def _carry_to_next_year(move: Move[Any]) -> None:
    from kyodo.projects.services import next_year_budget_passed

    line = move.obj
    segment = next_year_budget_passed(
        actor=move.actor,
        project=line.project,
        fiscal_year=line.fiscal_year,
        city_amount=line.amount,
        reason=str(_("次年度の予算成立")) + "：" + line.outcome.reflection,
    )
    move.changes["segment"] = [None, segment.pk]


def _record_note(move: Move[Any]) -> None:
    move.set(decision_note=move.reason)


BUDGET_LINE: Workflow[Any] = Workflow(
    key="budget_line",
    label=_("次年度の予算要求"),
    model_label="evaluation.BudgetRequestLine",
    noun=_("予算要求"),
    audit_prefix="budget_line",
    lock_related=("project__course", "project__section", "outcome"),
    touch=("updated_at",),
    initial=PLANNED,
    states=states(
        [
            State(PLANNED, _("要求の準備中"), _("次年度の予算を準備しています"), _("準備中")),
            State(REQUESTED, _("予算要求済み"), _("予算要求中"), _("予算要求中")),
            State(PASSED, _("予算成立"), _("予算が成立しました"), _("予算成立"), final=True),
            State(
                NOT_PASSED,
                _("予算不成立"),
                _("予算は成立しませんでした"),
                _("予算不成立"),
                final=True,
            ),
        ]
    ),
    transitions=table(
        [
            Transition(
                "request",
                _("予算要求に載せた"),
                frozenset({PLANNED}),
                REQUESTED,
                _line_handler,
                event="budget_line.request",
            ),
            Transition(
                "withdraw",
                _("要求の準備に戻す"),
                frozenset({REQUESTED}),
                PLANNED,
                _line_handler,
                needs_reason=True,
                effects=(_record_note,),
                event="budget_line.withdraw",
            ),
            Transition(
                "pass",
                _("予算の成立を記録する"),
                frozenset({REQUESTED}),
                PASSED,
                _office_passes,
                guards=(_passed_on_given, _next_year_possible),
                by_person=False,  # budget_line_pass takes the date from its form
                effects=(_record_passed,),
                after=(_carry_to_next_year,),
                event="budget_line.pass",
            ),
            Transition(
                "not_pass",
                _("予算が成立しなかった"),
                frozenset({REQUESTED}),
                NOT_PASSED,
                _office_passes,
                needs_reason=True,
                effects=(_record_note,),
                event="budget_line.not_pass",
            ),
        ]
    ),
)
