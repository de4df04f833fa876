"""Who may see and do what with consultations and proposals.

Visibility (mirrored as a queryset filter in proposals.selectors.visible_proposals):
a group sees its own proposals; a department those on its themes or assigned to it; the
center those it helps with; the office all; the public none until publication.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kyodo.accounts.models import Role
from kyodo.accounts.permissions import LOGIN_REQUIRED, is_person
from kyodo.core.permissions import ALLOW, Decision, check, deny, describe, predicate
from kyodo.proposals.models import ConsultationSheet, Proposal
from kyodo.registry.permissions import membership_role

NOT_YOURS = _("この提案を見る権限がありません。")


def is_office(user: Any) -> bool:
    return is_person(user) and user.has_role(Role.OFFICE)


def is_center(user: Any) -> bool:
    return is_person(user) and user.has_role(Role.CENTER)


def _department_sections(user: Any) -> frozenset[int]:
    return frozenset(user.section_ids) if user.has_role(Role.DEPARTMENT) else frozenset()


def _proposal_in_charge(user: Any, proposal: Proposal) -> bool:
    sections = _department_sections(user)
    theme_section = proposal.theme.section_id if proposal.theme is not None else None
    return bool(sections) and (proposal.section_id in sections or theme_section in sections)


@predicate("proposals.view")
def can_view(user: Any, proposal: Proposal) -> Decision:
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if is_office(user) or membership_role(user, proposal.group):
        return ALLOW
    if _proposal_in_charge(user, proposal):
        return ALLOW
    if is_center(user) and proposal.center_involved:
        return ALLOW
    return deny(NOT_YOURS)


@predicate("proposals.group_page")
def can_see_group_page(user: Any, group: Any) -> Decision:
    """A group's list of its consultations and proposals: its members and the office."""
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if is_office(user) or membership_role(user, group):
        return ALLOW
    return deny(_("この団体の提案の一覧は、団体のメンバーと協働担当課が見られます。"))


@predicate("proposals.staff_list")
def can_see_staff_list(user: Any, obj: Any = None) -> Decision:
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if user.has_role(Role.OFFICE, Role.CENTER, Role.DEPARTMENT):
        return ALLOW
    return deny(_("提案の一覧は、協働担当課・担当課・センターの職員が使えます。"))


@predicate("proposals.create")
def can_create(user: Any, group: Any) -> Decision:
    return check("registry.act_for_group", user, group)


@predicate("proposals.edit")
def can_edit(user: Any, proposal: Proposal) -> Decision:
    decision = check("registry.act_for_group", user, proposal.group)
    if not decision:
        return decision
    if not proposal.state.editable_by_owner:
        return deny(
            _("「%(state)s」の提案は編集できません。") % {"state": proposal.state.group_label}
        )
    return ALLOW


@describe(_("団体のメンバー（団体の登録が有効な間）"))
@predicate("proposals.submit")
def can_submit(user: Any, proposal: Proposal) -> Decision:
    return check("registry.act_for_group", user, proposal.group)


@describe(_("団体の代表者"))
@predicate("proposals.withdraw")
def can_withdraw(user: Any, proposal: Proposal) -> Decision:
    if membership_role(user, proposal.group) != "representative":
        return deny(_("提案の取下げは、団体の代表者が行います。"))
    return ALLOW


@describe(_("協働担当課"))
@predicate("proposals.intake")
def can_intake(user: Any, proposal: Proposal | None = None) -> Decision:
    if not is_office(user):
        return deny(_("形式審査は協働担当課が行います。"))
    return ALLOW


@describe(_("協働担当課"))
@predicate("proposals.consult")
def can_consult(user: Any, proposal: Proposal | None = None) -> Decision:
    if not is_office(user):
        return deny(_("4者協議の設定と結果の記録は協働担当課が行います。"))
    return ALLOW


@predicate("proposals.transition")
def can_transition(user: Any, target: tuple[Proposal, str]) -> Decision:
    """May this person start this move on the proposal from a page now (its workflow decides)?"""
    from kyodo.proposals.workflow import PROPOSAL

    proposal, action = target
    return PROPOSAL.check(user, proposal, action)


@describe(_("協働担当課、市民活動センター、または提案の担当課"))
@predicate("proposals.record_fourparty")
def can_record_fourparty(user: Any, proposal: Proposal) -> Decision:
    """The four-party minutes and outcome: the office, the center and the department in
    charge write them (the office alone schedules the meeting)."""
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if is_office(user) or is_center(user) or _proposal_in_charge(user, proposal):
        return ALLOW
    return deny(_("4者協議の結果は、協働担当課・センター・担当課が記録します。"))


@predicate("proposals.schedule_fourparty")
def can_schedule_fourparty(user: Any, proposal: Proposal) -> Decision:
    """Setting a four-party meeting: the first one moves an accepted proposal into
    consultation (the workflow's "schedule"), later ones are added during it."""
    from kyodo.proposals.workflow import CONSULTATION, PROPOSAL

    if proposal.status == CONSULTATION:
        return can_consult(user, proposal)
    return PROPOSAL.check(user, proposal, "schedule", by_service=True)


# --- consultations ---------------------------------------------------------------------


@predicate("proposals.view_consultation")
def can_view_consultation(user: Any, sheet: ConsultationSheet) -> Decision:
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if is_office(user) or is_center(user) or membership_role(user, sheet.group):
        return ALLOW
    if user.has_role(Role.DEPARTMENT) and (
        sheet.assigned_section_id in user.section_ids or sheet.wished_section_id in user.section_ids
    ):
        return ALLOW
    return deny(_("この相談を見る権限がありません。"))


@predicate("proposals.record_consultation")
def can_record_consultation(user: Any, sheet: ConsultationSheet) -> Decision:
    """A consultation's meetings and its conclusion: the office, the center, and the
    department it is assigned to."""
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if is_office(user) or is_center(user):
        return ALLOW
    if sheet.assigned_section_id is not None and sheet.assigned_section_id in _department_sections(
        user
    ):
        return ALLOW
    return deny(_("相談の記録は、協働担当課・センターと、相談を担当する課が行います。"))


@predicate("proposals.manage_consultation")
def can_manage_consultation(user: Any, sheet: ConsultationSheet | None = None) -> Decision:
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if is_office(user) or is_center(user):
        return ALLOW
    return deny(_("相談の記録と担当課の調整は、協働担当課とセンターが行います。"))
