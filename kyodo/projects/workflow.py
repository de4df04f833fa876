"""An agreement's (協定書) states and the moves between them, as one table on the workflow
engine (kyodo.core.workflow). `AGREEMENT.transition(...)` is the only way its status changes.

The group and the department edit the text in turn; each hands it to the other. Then both
confirm it (in either order), and the office or the department records the conclusion with
the signed scan (kyodo.projects.services.agreement_conclude attaches the scan first, so the
move itself is started by that service only). A change agreement (変更協定) reopens a
concluded agreement with a reason; the text goes round again and is concluded once more.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kyodo.core.permissions import ALLOW, Decision, deferred, deny, describe
from kyodo.core.workflow import Move, State, Transition, Workflow, states, table

DRAFTING_BY_GROUP = "drafting_by_group"
DRAFTING_BY_DEPARTMENT = "drafting_by_department"
CONFIRMING = "confirming"
CONCLUDED = "concluded"
CANCELLED = "cancelled"

# States in which the text is being worked on (before both confirmed it).
DRAFTING = frozenset({DRAFTING_BY_GROUP, DRAFTING_BY_DEPARTMENT})
OPEN_STATES = frozenset({DRAFTING_BY_GROUP, DRAFTING_BY_DEPARTMENT, CONFIRMING})


_may_act_as_group = deferred("kyodo.projects.permissions.can_act_as_group")
_may_act_as_department = deferred("kyodo.projects.permissions.can_act_as_department")
_may_act_as_partner = deferred("kyodo.projects.permissions.can_act_as_partner")
_may_conclude = deferred("kyodo.projects.permissions.can_conclude")
_may_cancel = deferred("kyodo.projects.permissions.can_settle_condition")


# --- guards and effects -----------------------------------------------------------------


@describe(_("事業の担当課が決まっていること"))
def _has_department(user: Any, agreement: Any, params: dict[str, Any]) -> Decision:
    if agreement.project.section_id is None:
        return deny(_("この事業の担当課が決まっていません。協働担当課にお問い合わせください。"))
    return ALLOW


@describe(_("団体がまだ確認していないこと"))
def _group_not_yet_confirmed(user: Any, agreement: Any, params: dict[str, Any]) -> Decision:
    if agreement.group_confirmed_at is not None:
        return deny(_("団体はこの協定書をすでに確認しています。"))
    return ALLOW


@describe(_("担当課がまだ確認していないこと"))
def _department_not_yet_confirmed(user: Any, agreement: Any, params: dict[str, Any]) -> Decision:
    if agreement.department_confirmed_at is not None:
        return deny(_("担当課はこの協定書をすでに確認しています。"))
    return ALLOW


@describe(
    _(
        "団体と担当課の両方がこの内容を確認し、採択の条件への対応がすべて記録され、記名押印した協定書の写しが添付されていること"
    )
)
def _ready_to_conclude(user: Any, agreement: Any, params: dict[str, Any]) -> Decision:
    """Both partners confirmed this text, every condition of the adoption is settled, and
    the signed scan of this round is attached."""
    from kyodo.projects.services import conclusion_blocker

    blocker = conclusion_blocker(agreement)
    if blocker:
        return deny(blocker)
    if not agreement.scans.filter(round=agreement.round).exists():
        return deny(_("記名押印した協定書の写しを添付してください。"))
    return ALLOW


def _clear_confirmations(move: Move[Any]) -> None:
    move.set(group_confirmed_at=None, department_confirmed_at=None)


def _record_return(move: Move[Any]) -> None:
    move.set(return_reason=move.reason, group_confirmed_at=None, department_confirmed_at=None)


def _clear_return(move: Move[Any]) -> None:
    move.set(return_reason="")


def _group_confirms(move: Move[Any]) -> None:
    move.set(group_confirmed_at=move.now)


def _department_confirms(move: Move[Any]) -> None:
    move.set(department_confirmed_at=move.now)


def _concluded(move: Move[Any]) -> None:
    move.set(concluded_on=move.params.get("concluded_on") or timezone.localdate(move.now))
    move.payload["round"] = move.obj.round


def _segments_follow_agreement(move: Move[Any]) -> None:
    from kyodo.projects.services import segments_follow_agreement

    move.changes["approved_amounts"] = segments_follow_agreement(agreement=move.obj)


def _save_change_version(move: Move[Any]) -> None:
    from kyodo.projects.services import agreement_version_save

    agreement_version_save(agreement=move.obj, actor=move.actor, at=move.now, note=move.reason)


def _start_change(move: Move[Any]) -> None:
    from kyodo.projects.models import AgreementKind

    move.set(
        kind=AgreementKind.CHANGE,
        round=move.obj.round + 1,
        change_reason=move.reason,
        group_confirmed_at=None,
        department_confirmed_at=None,
        concluded_on=None,
        return_reason="",
    )
    move.payload["round"] = move.obj.round


AGREEMENT: Workflow[Any] = Workflow(
    key="agreement",
    label=_("協定書"),
    model_label="projects.Agreement",
    noun=_("協定書"),
    audit_prefix="agreement",
    lock_related=("project__group", "project__section"),
    touch=("updated_at",),
    initial=DRAFTING_BY_GROUP,
    states=states(
        [
            State(
                DRAFTING_BY_GROUP,
                _("団体が作成中"),
                _("協定書の案を作成・確認してください"),
                _("協定の協議中"),
                editable_by_owner=True,
            ),
            State(
                DRAFTING_BY_DEPARTMENT,
                _("担当課が作成中"),
                _("担当課が協定書の案を確認しています"),
                _("協定の協議中"),
            ),
            State(
                CONFIRMING,
                _("双方の確認中"),
                _("協定書の最終確認をしてください"),
                _("協定の協議中"),
            ),
            State(CONCLUDED, _("締結済み"), _("締結済み"), _("協定締結済み")),
            State(CANCELLED, _("取りやめ"), _("取りやめ"), _("取りやめ"), final=True),
        ]
    ),
    transitions=table(
        [
            Transition(
                "to_department",
                _("担当課に回す"),
                frozenset({DRAFTING_BY_GROUP}),
                DRAFTING_BY_DEPARTMENT,
                _may_act_as_group,
                guards=(_has_department,),
                effects=(_clear_return,),
                event="agreement.to_department",
                description=_("団体が案を保存し、担当課の確認に回します。"),
            ),
            Transition(
                "to_group",
                _("団体に戻す"),
                frozenset({DRAFTING_BY_DEPARTMENT}),
                DRAFTING_BY_GROUP,
                _may_act_as_department,
                needs_reason=True,
                effects=(_record_return,),
                event="agreement.to_group",
                description=_("担当課が修正を求めて団体に戻します。"),
            ),
            Transition(
                "to_confirm",
                _("双方の確認に進める"),
                frozenset({DRAFTING_BY_DEPARTMENT}),
                CONFIRMING,
                _may_act_as_department,
                effects=(_clear_return, _clear_confirmations),
                event="agreement.to_confirm",
            ),
            Transition(
                "confirm_group",
                _("団体として内容を確認した"),
                frozenset({CONFIRMING}),
                CONFIRMING,
                _may_act_as_group,
                guards=(_group_not_yet_confirmed,),
                effects=(_group_confirms,),
                event="agreement.confirm",
            ),
            Transition(
                "confirm_department",
                _("担当課として内容を確認した"),
                frozenset({CONFIRMING}),
                CONFIRMING,
                _may_act_as_department,
                guards=(_department_not_yet_confirmed,),
                effects=(_department_confirms,),
                event="agreement.confirm",
            ),
            Transition(
                "reopen",
                _("修正が必要（案に戻す）"),
                frozenset({CONFIRMING}),
                DRAFTING_BY_GROUP,
                _may_act_as_partner,
                needs_reason=True,
                effects=(_record_return,),
                event="agreement.reopen",
            ),
            Transition(
                "conclude",
                _("締結を記録する"),
                frozenset({CONFIRMING}),
                CONCLUDED,
                _may_conclude,
                guards=(_ready_to_conclude,),
                by_person=False,  # agreement_conclude attaches the signed scan first
                effects=(_concluded,),
                after=(_segments_follow_agreement,),
                event="agreement.conclude",
            ),
            Transition(
                "change",
                _("変更協定を始める"),
                frozenset({CONCLUDED}),
                DRAFTING_BY_GROUP,
                _may_act_as_partner,
                needs_reason=True,
                effects=(_start_change,),
                after=(_save_change_version,),
                event="agreement.change",
                description=_("締結した協定を変更します。理由とともに新しい版を作ります。"),
            ),
            Transition(
                "cancel",
                _("協定を取りやめる"),
                OPEN_STATES,
                CANCELLED,
                _may_cancel,
                needs_reason=True,
                event="agreement.cancel",
            ),
        ]
    ),
)

STATES = AGREEMENT.states
TRANSITIONS = AGREEMENT.transitions


# --- reports (事業報告) --------------------------------------------------------------------------
#
# The group writes a report and submits it; the office checks it first and passes it to the
# department in charge, which accepts it; either returns it with comments, and the group
# submits again. The first submission makes the report received (no longer overdue).

REPORT_DRAFT = "draft"
REPORT_SUBMITTED = "submitted"
REPORT_WITH_DEPARTMENT = "with_department"
REPORT_RETURNED = "returned"
REPORT_ACCEPTED = "accepted"
REPORT_EDITABLE = frozenset({REPORT_DRAFT, REPORT_RETURNED})


_may_write_report = deferred("kyodo.projects.permissions.can_write_report")
_may_check_report = deferred("kyodo.projects.permissions.can_check_report")
_may_accept_report = deferred("kyodo.projects.permissions.can_accept_report")


@describe(_("「実施した内容」と「目標に対する成果」が書かれていること"))
def _report_complete(user: Any, report: Any, params: dict[str, Any]) -> Decision:
    if not report.activities.strip() or not report.outcomes.strip():
        return deny(_("「実施した内容」と「目標に対する成果」を書いてから提出してください。"))
    return ALLOW


def _report_received(move: Move[Any]) -> None:
    move.set(return_reason="")
    if move.obj.received_at is None:
        move.set(received_at=move.now)


def _report_returned(move: Move[Any]) -> None:
    move.set(return_reason=move.reason)


def _report_accepted(move: Move[Any]) -> None:
    move.set(accepted_at=move.now)


REPORT: Workflow[Any] = Workflow(
    key="report",
    label=_("事業報告"),
    model_label="projects.Report",
    noun=_("報告"),
    audit_prefix="report",
    lock_related=("segment__project__group", "segment__project__section"),
    touch=("updated_at",),
    initial=REPORT_DRAFT,
    states=states(
        [
            State(
                REPORT_DRAFT,
                _("団体が作成中"),
                _("報告を作成して提出してください"),
                _("作成中"),
                editable_by_owner=True,
            ),
            State(
                REPORT_SUBMITTED,
                _("協働担当課が確認中"),
                _("提出済み（協働担当課が確認中）"),
                _("提出済み"),
            ),
            State(
                REPORT_WITH_DEPARTMENT,
                _("担当課が確認中"),
                _("提出済み（担当課が確認中）"),
                _("提出済み"),
            ),
            State(
                REPORT_RETURNED,
                _("団体に差戻し中"),
                _("差し戻されました。直して再提出してください"),
                _("作成中"),
                editable_by_owner=True,
            ),
            State(REPORT_ACCEPTED, _("受理済み"), _("受理されました"), _("受理済み"), final=True),
        ]
    ),
    transitions=table(
        [
            Transition(
                "submit",
                _("報告を提出する"),
                REPORT_EDITABLE,
                REPORT_SUBMITTED,
                _may_write_report,
                guards=(_report_complete,),
                effects=(_report_received,),
                event="report.submit",
            ),
            Transition(
                "office_accept",
                _("確認した（担当課に回す）"),
                frozenset({REPORT_SUBMITTED}),
                REPORT_WITH_DEPARTMENT,
                _may_check_report,
                event="report.office_accept",
            ),
            Transition(
                "office_return",
                _("団体に差し戻す"),
                frozenset({REPORT_SUBMITTED}),
                REPORT_RETURNED,
                _may_check_report,
                needs_reason=True,
                effects=(_report_returned,),
                event="report.return",
            ),
            Transition(
                "accept",
                _("報告を受理する"),
                frozenset({REPORT_WITH_DEPARTMENT}),
                REPORT_ACCEPTED,
                _may_accept_report,
                effects=(_report_accepted,),
                event="report.accept",
            ),
            Transition(
                "department_return",
                _("団体に差し戻す（担当課）"),
                frozenset({REPORT_WITH_DEPARTMENT}),
                REPORT_RETURNED,
                _may_accept_report,
                needs_reason=True,
                effects=(_report_returned,),
                event="report.return",
            ),
        ]
    ),
)
