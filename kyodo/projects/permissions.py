"""Who may see and do what with projects and their agreements.

Visibility (mirrored as a queryset filter in projects.selectors.visible_projects): the
group sees its own projects; a department those it is in charge of; the office all.
Editing the agreement follows its state: the group edits while it is the group's turn,
the department in charge while it is the department's.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kyodo.accounts.models import Role
from kyodo.accounts.permissions import LOGIN_REQUIRED, is_person
from kyodo.core.permissions import ALLOW, Decision, check, deny, describe, predicate
from kyodo.registry.permissions import membership_role

NOT_YOURS = _("この協働事業を見る権限がありません。")


def is_office(user: Any) -> bool:
    return is_person(user) and user.has_role(Role.OFFICE)


def is_department_of(user: Any, project: Any) -> bool:
    return (
        is_person(user)
        and user.has_role(Role.DEPARTMENT)
        and project.section_id is not None
        and project.section_id in user.section_ids
    )


@predicate("projects.view")
def can_view(user: Any, project: Any) -> Decision:
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if is_office(user) or membership_role(user, project.group) or is_department_of(user, project):
        return ALLOW
    return deny(NOT_YOURS)


@predicate("projects.staff_list")
def can_see_staff_list(user: Any, obj: Any = None) -> Decision:
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if user.has_role(Role.OFFICE, Role.DEPARTMENT):
        return ALLOW
    return deny(_("協働事業の一覧は、協働担当課と担当課の職員が使えます。"))


@predicate("projects.group_list")
def can_see_group_list(user: Any, group: Any) -> Decision:
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if is_office(user) or membership_role(user, group):
        return ALLOW
    return deny(_("この団体の協働事業の一覧は、団体のメンバーと協働担当課が見られます。"))


@describe(_("協働担当課"))
@predicate("projects.settle_condition")
def can_settle_condition(user: Any, project: Any = None) -> Decision:
    if not is_office(user):
        return deny(_("採択の条件への対応は、協働担当課が記録します。"))
    return ALLOW


# --- the agreement: who acts at each step (kyodo.projects.workflow) -------------------------


@describe(_("団体のメンバー（団体の登録が有効な間）"))
@predicate("projects.act_as_group")
def can_act_as_group(user: Any, agreement: Any) -> Decision:
    """The group's side of the agreement: a member of the group with a current registration."""
    return check("registry.act_for_group", user, agreement.project.group)


@describe(_("事業の担当課"))
@predicate("projects.act_as_department")
def can_act_as_department(user: Any, agreement: Any) -> Decision:
    if not is_department_of(user, agreement.project):
        return deny(_("協定書のこの手続きは、事業の担当課が行います。"))
    return ALLOW


@describe(_("団体のメンバー（団体の登録が有効な間）、事業の担当課、または協働担当課"))
@predicate("projects.act_as_partner")
def can_act_as_partner(user: Any, agreement: Any) -> Decision:
    """Either partner (the group or the department), e.g. to ask for a change."""
    if is_department_of(user, agreement.project) or is_office(user):
        return ALLOW
    return can_act_as_group(user, agreement)


@describe(_("協働担当課または事業の担当課"))
@predicate("projects.conclude")
def can_conclude(user: Any, agreement: Any) -> Decision:
    """Recording the conclusion with the signed scan: the office or the department."""
    if is_office(user) or (agreement is not None and is_department_of(user, agreement.project)):
        return ALLOW
    return deny(_("協定の締結は、協働担当課または担当課が記録します。"))


@predicate("projects.edit_agreement")
def can_edit_agreement(user: Any, agreement: Any) -> Decision:
    """Whose turn it is to edit the text: the group's or the department's."""
    from kyodo.projects.workflow import DRAFTING_BY_DEPARTMENT, DRAFTING_BY_GROUP

    if agreement.status == DRAFTING_BY_GROUP:
        decision = can_act_as_group(user, agreement)
        return decision if decision else deny(_("いまは団体が協定書を編集する番です。"))
    if agreement.status == DRAFTING_BY_DEPARTMENT:
        decision = can_act_as_department(user, agreement)
        return decision if decision else deny(_("いまは担当課が協定書を編集する番です。"))
    return deny(
        _("「%(state)s」の協定書は編集できません。") % {"state": agreement.state.staff_label}
    )


@predicate("projects.transition")
def can_transition(user: Any, target: tuple[Any, str]) -> Decision:
    """May this person start this move on the agreement from a page now?"""
    from kyodo.projects.workflow import AGREEMENT

    agreement, action = target
    return AGREEMENT.check(user, agreement, action)


# --- reports (kyodo.projects.workflow.REPORT) -------------------------------------------------


@predicate("projects.set_report_schedule")
def can_set_report_schedule(user: Any, project: Any = None) -> Decision:
    if not is_office(user):
        return deny(_("報告の予定は、協働担当課が決めます。"))
    return ALLOW


@predicate("projects.report_list")
def can_see_report_list(user: Any, obj: Any = None) -> Decision:
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if not is_office(user):
        return deny(_("報告の期限の一覧は、協働担当課が使います。"))
    return ALLOW


@describe(_("団体のメンバー（団体の登録が有効な間）"))
@predicate("projects.write_report")
def can_write_report(user: Any, report: Any) -> Decision:
    """The group writes and submits its reports (a member with a current registration)."""
    return check("registry.act_for_group", user, report.segment.project.group)


@predicate("projects.edit_report")
def can_edit_report(user: Any, report: Any) -> Decision:
    from kyodo.projects.workflow import REPORT_EDITABLE

    decision = can_write_report(user, report)
    if not decision:
        return decision
    if report.status not in REPORT_EDITABLE:
        return deny(_("提出した報告は、差し戻されるまで編集できません。"))
    return ALLOW


@describe(_("協働担当課"))
@predicate("projects.check_report")
def can_check_report(user: Any, report: Any) -> Decision:
    if not is_office(user):
        return deny(_("提出された報告は、まず協働担当課が確認します。"))
    return ALLOW


@describe(_("事業の担当課"))
@predicate("projects.accept_report")
def can_accept_report(user: Any, report: Any) -> Decision:
    if not is_department_of(user, report.segment.project):
        return deny(_("報告の受理は、事業の担当課が行います。"))
    return ALLOW


@predicate("projects.report_transition")
def can_report_transition(user: Any, target: tuple[Any, str]) -> Decision:
    from kyodo.projects.workflow import REPORT

    report, action = target
    return REPORT.check(user, report, action)


@predicate("projects.manage_report_session")
def can_manage_report_session(user: Any, obj: Any = None) -> Decision:
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if is_office(user):
        return ALLOW
    return deny(_("報告会の設定は、協働担当課が行います。"))


@predicate("projects.view_public")
def can_view_public(user: Any, project: Any) -> Decision:
    """Anyone may read a project's public page once its agreement has been signed (the rule
    is projects.selectors.public_projects, asked of this one project)."""
    from kyodo.projects.selectors import public_projects

    if public_projects().filter(pk=project.pk).exists():
        return ALLOW
    return deny(_("この協働事業は、協定の締結後に公開されます。"))


@predicate("projects.view_photo")
def can_view_photo(user: Any, photo: Any) -> Decision:
    """The partners see every photo of their reports; anyone sees one the group allowed on
    the public page, once its report is accepted and the project is public."""
    project = photo.report.segment.project
    if photo.publishable and photo.report.accepted_at is not None:
        public = can_view_public(user, project)
        if public:
            return public
    return can_view(user, project)
