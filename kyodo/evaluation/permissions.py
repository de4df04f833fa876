"""Who may see and do what in the evaluation of a project.

Whoever sees the project (projects.view: its group, its department, the office) sees its
evaluation page; each side writes its own evaluation, and a draft is its writer's alone.
The group drafts the targets and the department agrees to them. The committee's evaluation
is recorded by the office on the committee's behalf, as the office records the committee's
答申 in the review app: the committee evaluates running projects in its meeting, and the
review app's committee members belong to one call's selection committee, not to a project.
The mutual review meeting is recorded by the office or the department; the outcome, the
budget's passing and the settings are the office's.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kyodo.accounts.models import Role
from kyodo.accounts.permissions import LOGIN_REQUIRED, is_person
from kyodo.core.permissions import ALLOW, Decision, check, deny, describe, predicate
from kyodo.projects.permissions import is_department_of, is_office


def _project(obj: Any) -> Any:
    """The project of a project, a project year, or anything hanging on either."""
    from kyodo.projects.models import Project

    if isinstance(obj, Project):
        return obj
    if hasattr(obj, "segment"):  # an evaluation, a meeting, an outcome
        return obj.segment.project
    return obj.project  # a project year, a target plan, a budget line


@predicate("evaluation.view")
def can_view(user: Any, obj: Any) -> Decision:
    return check("projects.view", user, _project(obj))


@predicate("evaluation.staff_index")
def can_see_staff_index(user: Any, obj: Any = None) -> Decision:
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if user.has_role(Role.OFFICE, Role.DEPARTMENT):
        return ALLOW
    return deny(_("評価の一覧は、協働担当課と担当課の職員が使えます。"))


@predicate("evaluation.configure")
def can_configure(user: Any, obj: Any = None) -> Decision:
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if not is_office(user):
        return deny(_("評価の設定は、協働担当課の職員が行います。"))
    return ALLOW


# --- the two partners ---------------------------------------------------------------------


@describe(_("団体のメンバー（団体の登録が有効な間）"))
@predicate("evaluation.act_as_group")
def can_act_as_group(user: Any, obj: Any) -> Decision:
    return check("registry.act_for_group", user, _project(obj).group)


@describe(_("事業の担当課"))
@predicate("evaluation.act_as_department")
def can_act_as_department(user: Any, obj: Any) -> Decision:
    if not is_department_of(user, _project(obj)):
        return deny(_("この手続きは、事業の担当課が行います。"))
    return ALLOW


@describe(_("団体のメンバー（団体の登録が有効な間）、事業の担当課、または協働担当課"))
@predicate("evaluation.act_as_partner")
def can_act_as_partner(user: Any, obj: Any) -> Decision:
    if is_office(user) or is_department_of(user, _project(obj)):
        return ALLOW
    return can_act_as_group(user, obj)


@predicate("evaluation.edit_targets")
def can_edit_targets(user: Any, plan: Any) -> Decision:
    from kyodo.evaluation.workflow import TARGETS_DRAFTING

    decision = can_act_as_group(user, plan)
    if not decision:
        return deny(_("目標の案は団体が作成します。"))
    if plan.status != TARGETS_DRAFTING:
        return deny(_("担当課に回した目標は、戻されるまで編集できません。"))
    return ALLOW


@predicate("evaluation.targets_transition")
def can_move_targets(user: Any, target: tuple[Any, str]) -> Decision:
    from kyodo.evaluation.workflow import TARGETS

    plan, action = target
    return TARGETS.check(user, plan, action)


# --- evaluations ----------------------------------------------------------------------------


def writer_of(user: Any, segment: Any, side: str) -> Decision:
    """Who writes a side's evaluation: the group its own, the department in charge its
    own, the office the committee's (on the committee's behalf)."""
    if side == "group":
        decision = can_act_as_group(user, segment)
        return decision if decision else deny(_("団体の評価は、団体が行います。"))
    if side == "department":
        return can_act_as_department(user, segment)
    if side == "committee":
        if is_office(user):
            return ALLOW
        return deny(_("委員会の評価は、委員会に代わって協働担当課が記録します。"))
    return deny(_("この評価はありません。"))


@describe(
    _(
        "評価を書く側：団体の評価は団体のメンバー（団体の登録が有効な間）、担当課の評価は事業の担当課、委員会の評価は委員会に代わって協働担当課"
    )
)
@predicate("evaluation.write")
def can_write(user: Any, evaluation: Any) -> Decision:
    return writer_of(user, evaluation.segment, evaluation.side)


@predicate("evaluation.edit")
def can_edit(user: Any, evaluation: Any) -> Decision:
    from kyodo.evaluation.workflow import DRAFT

    decision = can_write(user, evaluation)
    if not decision:
        return decision
    if evaluation.status != DRAFT:
        return deny(_("提出した評価は、差し戻されるまで編集できません。"))
    return ALLOW


@predicate("evaluation.see")
def can_see(user: Any, evaluation: Any) -> Decision:
    """A submitted evaluation is seen by whoever sees the project; a draft by its writer."""
    if evaluation.submitted:
        return can_view(user, evaluation.segment)
    if can_write(user, evaluation):
        return ALLOW
    return deny(_("提出前の評価は、評価する者だけが見られます。"))


@describe(_("協働担当課"))
@predicate("evaluation.reopen")
def can_reopen(user: Any, evaluation: Any = None) -> Decision:
    if not is_office(user):
        return deny(_("提出された評価の差戻しは、協働担当課が行います。"))
    return ALLOW


@predicate("evaluation.transition")
def can_move_evaluation(user: Any, target: tuple[Any, str]) -> Decision:
    from kyodo.evaluation.workflow import EVALUATION

    evaluation, action = target
    return EVALUATION.check(user, evaluation, action)


# --- the meeting, the outcome, the budget line ---------------------------------------------


@predicate("evaluation.record_meeting")
def can_record_meeting(user: Any, segment: Any) -> Decision:
    if is_office(user) or is_department_of(user, _project(segment)):
        return ALLOW
    return deny(_("相互評価会議の記録は、協働担当課または担当課が書きます。"))


@predicate("evaluation.record_outcome")
def can_record_outcome(user: Any, obj: Any = None) -> Decision:
    if not is_office(user):
        return deny(_("評価の結果と次年度への反映は、協働担当課が記録します。"))
    return ALLOW


@predicate("evaluation.budget_list")
def can_see_budget_list(user: Any, obj: Any = None) -> Decision:
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if user.has_role(Role.OFFICE, Role.DEPARTMENT):
        return ALLOW
    return deny(_("予算要求の一覧は、協働担当課と担当課の職員が使えます。"))


def _department_of_line(user: Any, line: Any) -> bool:
    return (
        is_person(user)
        and user.has_role(Role.DEPARTMENT)
        and (
            (line.section_id is not None and line.section_id in user.section_ids)
            or is_department_of(user, line.project)
        )
    )


@describe(_("協働担当課、または予算を要求する課・事業の担当課"))
@predicate("evaluation.handle_budget_line")
def can_handle_budget_line(user: Any, line: Any) -> Decision:
    """The office, or the department that carries the line (or is in charge of the
    project)."""
    if is_office(user) or _department_of_line(user, line):
        return ALLOW
    return deny(_("この予算要求は、協働担当課と要求する課が扱います。"))


@predicate("evaluation.edit_budget_line")
def can_edit_budget_line(user: Any, line: Any) -> Decision:
    from kyodo.evaluation.workflow import PLANNED

    decision = can_handle_budget_line(user, line)
    if not decision:
        return decision
    if line.status != PLANNED:
        return deny(_("要求した予算は、要求前に戻すまで変更できません。"))
    return ALLOW


@describe(_("協働担当課"))
@predicate("evaluation.pass_budget")
def can_pass_budget(user: Any, line: Any = None) -> Decision:
    if not is_office(user):
        return deny(_("予算の成立は、協働担当課が記録します。"))
    return ALLOW


@predicate("evaluation.budget_transition")
def can_move_budget_line(user: Any, target: tuple[Any, str]) -> Decision:
    from kyodo.evaluation.workflow import BUDGET_LINE

    line, action = target
    return BUDGET_LINE.check(user, line, action)
