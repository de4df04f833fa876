"""A proposal's states and the moves between them, as one table on the workflow engine
(kyodo.core.workflow). `PROPOSAL.transition(...)` is the only way a status changes.

Each state has a label for staff, one for the group and one the public may read once results
are published. The selection committee's moves (advice and decision) are started only by the
review app's services, which write the record that justifies them first (by_person=False).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kyodo.core.permissions import ALLOW, Decision, deferred, deny, describe
from kyodo.core.workflow import Move, State, Transition, TransitionRefused, Workflow, states, table

DRAFT = "draft"
SUBMITTED = "submitted"
RETURNED = "returned"
ACCEPTED = "accepted"
CONSULTATION = "consultation"
REVISING = "revising"
READY_FOR_REVIEW = "ready_for_review"
STOPPED = "stopped"
MERGED = "merged"
WITHDRAWN = "withdrawn"
# The selection committee and the decision (review app). A decision is provisional until
# the budget passes: that is a flag on review.models.CityDecision, not more states.
IN_REVIEW = "in_review"
ADVISED = "advised"
ADOPTED = "adopted"
ADOPTED_WITH_CONDITIONS = "adopted_with_conditions"
NOT_ADOPTED = "not_adopted"


# States before the selection committee's decision: the group may still withdraw.
BEFORE_DECISION = frozenset(
    {DRAFT, SUBMITTED, RETURNED, ACCEPTED, CONSULTATION, REVISING, READY_FOR_REVIEW}
    | {IN_REVIEW, ADVISED}
)
# States counted as an adoption for the course's adoption limits (the decision stage
# adds its "adopted" states here).
ADOPTED_STATES: frozenset[str] = frozenset({ADOPTED, ADOPTED_WITH_CONDITIONS})
# States the selection committee works on, and those with a decision.
REVIEW_STATES = frozenset({IN_REVIEW, ADVISED})
DECIDED_STATES = frozenset({ADOPTED, ADOPTED_WITH_CONDITIONS, NOT_ADOPTED})
# States in which the office has work to do.
OFFICE_QUEUE = frozenset({SUBMITTED, ACCEPTED, CONSULTATION})


# Who may take each move: the predicates of kyodo.proposals.permissions and
# kyodo.review.permissions, imported when first called (those modules import this one).


_may_submit = deferred("kyodo.proposals.permissions.can_submit")
_may_withdraw = deferred("kyodo.proposals.permissions.can_withdraw")
_may_intake = deferred("kyodo.proposals.permissions.can_intake")
_may_consult = deferred("kyodo.proposals.permissions.can_consult")
_may_record_fourparty = deferred("kyodo.proposals.permissions.can_record_fourparty")


@describe(_("担当課（提案またはそのテーマの担当課）が決まっていること"))
def _department_in_charge(user: Any, proposal: Any, params: dict[str, Any]) -> Decision:
    """受理 needs the department that will own the proposal: every later step asks it."""
    if proposal.section_id is None and (
        proposal.theme is None or proposal.theme.section_id is None
    ):
        return deny(_("担当課が決まっていません。受理する前に担当課を決めてください。"))
    return ALLOW


@describe(_("統合先として、同じ募集の別の提案で、まだ手続きの終わっていないものが選ばれていること"))
def _merges_into_another(user: Any, proposal: Any, params: dict[str, Any]) -> Decision:
    """統合: into another live proposal of the same call, never into itself."""
    into = params.get("into")
    if into is None:
        return deny(_("統合先の提案を選んでください。"))
    if into.pk == proposal.pk or into.call_id != proposal.call_id:
        return deny(_("統合先は、同じ募集の別の提案を選んでください。"))
    if STATES[into.status].final:
        return deny(
            _("統合先の提案は「%(state)s」のため、統合できません。")
            % {"state": STATES[into.status].staff_label}
        )
    return ALLOW


_may_start_review = deferred("kyodo.review.permissions.can_start")
_may_manage_review = deferred("kyodo.review.permissions.can_manage")


# --- guards and effects -----------------------------------------------------------------


@describe(_("初めての提出は募集の受付期間中であること（差戻し・修正の後の再提出は期間後も可）"))
def _open_or_resubmission(user: Any, proposal: Any, params: dict[str, Any]) -> Decision:
    from django.utils import timezone

    from kyodo.core.permissions import ALLOW, deny
    from kyodo.japan.calendar import wareki_or_iso

    today = params.get("today") or timezone.localdate()
    if proposal.version_number == 0 and not proposal.call.is_open(today):
        return deny(
            _("提案の受付期間（%(start)s〜%(end)s）ではありません。")
            % {
                "start": wareki_or_iso(proposal.call.opens_on),
                "end": wareki_or_iso(proposal.call.closes_on),
            }
        )
    return ALLOW


def _freeze_version(move: Move[Any]) -> None:
    """Submission checks eligibility and freezes the group profile; the version row follows."""
    from kyodo.audit.services import jsonable
    from kyodo.proposals.services import proposal_eligibility
    from kyodo.registry.services import group_profile

    proposal = move.obj
    report = proposal_eligibility(proposal, move.params.get("today"))
    if not report.ok:
        raise TransitionRefused(
            _("応募の要件を満たしていないため、提出できません。"), report=report
        )
    move.set(
        version_number=proposal.version_number + 1,
        submitted_at=move.now,
        group_profile=jsonable(group_profile(proposal.group)),
        return_reason="",
    )


def _save_version(move: Move[Any]) -> None:
    from kyodo.proposals.versions import proposal_version_save

    proposal_version_save(proposal=move.obj, actor=move.actor, at=move.now)


def _record_return_reason(move: Move[Any]) -> None:
    move.set(return_reason=move.reason)


def _record_stop_reason(move: Move[Any]) -> None:
    move.set(stop_reason=move.reason)


def _center_joins(move: Move[Any]) -> None:
    # The center is one of the four parties: from here on it follows the proposal.
    move.set(center_involved=True)


PROPOSAL: Workflow[Any] = Workflow(
    key="proposal",
    label=_("協働事業の提案"),
    model_label="proposals.Proposal",
    noun=_("提案"),
    audit_prefix="proposal",
    lock_related=("group", "course", "call", "theme"),
    touch=("updated_at",),
    initial=DRAFT,
    states=states(
        [
            State(DRAFT, _("作成中"), _("作成中（未提出）"), _("非公開"), editable_by_owner=True),
            State(SUBMITTED, _("形式審査待ち"), _("提出済み（市で確認しています）"), _("非公開")),
            State(
                RETURNED,
                _("差戻し中"),
                _("差戻し（修正して再提出してください）"),
                _("非公開"),
                editable_by_owner=True,
            ),
            State(ACCEPTED, _("受理（4者協議の日程調整中）"), _("受理されました"), _("非公開")),
            State(CONSULTATION, _("4者協議"), _("4者協議中"), _("非公開")),
            State(
                REVISING,
                _("4者協議を受けて修正中"),
                _("修正して再提出してください（4者協議）"),
                _("非公開"),
                editable_by_owner=True,
            ),
            State(READY_FOR_REVIEW, _("審査待ち"), _("審査に進みます"), _("審査中")),
            State(STOPPED, _("中止"), _("中止（理由をご確認ください）"), _("非公開"), final=True),
            State(MERGED, _("統合"), _("他の提案に統合"), _("非公開"), final=True),
            State(WITHDRAWN, _("取下げ"), _("取下げ"), _("非公開"), final=True),
            State(IN_REVIEW, _("選考委員会で審査中"), _("審査中"), _("審査中")),
            State(ADVISED, _("答申済み（市の決定待ち）"), _("審査中"), _("審査中")),
            State(ADOPTED, _("採択"), _("採択"), _("採択"), final=True),
            State(
                ADOPTED_WITH_CONDITIONS,
                _("条件付き採択"),
                _("条件付き採択（条件をご確認ください）"),
                _("条件付き採択"),
                final=True,
            ),
            State(
                NOT_ADOPTED,
                _("不採択"),
                _("不採択（理由をご確認ください）"),
                _("不採択"),
                final=True,
            ),
        ]
    ),
    transitions=table(
        [
            Transition(
                "submit",
                _("提出する"),
                frozenset({DRAFT, RETURNED, REVISING}),
                SUBMITTED,
                _may_submit,
                guards=(_open_or_resubmission,),
                effects=(_freeze_version,),
                after=(_save_version,),
                event="proposal.submit",
            ),
            Transition(
                "return",
                _("差し戻す"),
                frozenset({SUBMITTED}),
                RETURNED,
                _may_intake,
                needs_reason=True,
                effects=(_record_return_reason,),
                event="proposal.return",
            ),
            Transition(
                "accept",
                _("受理する"),
                frozenset({SUBMITTED}),
                ACCEPTED,
                _may_intake,
                guards=(_department_in_charge,),
                event="proposal.accept",
            ),
            Transition(
                "schedule",
                _("4者協議を設定する"),
                frozenset({ACCEPTED}),
                CONSULTATION,
                _may_consult,
                by_person=False,  # proposals.services.fourparty_schedule writes the meeting first
                effects=(_center_joins,),
                event="proposal.schedule",
            ),
            Transition(
                "proceed",
                _("審査に進める"),
                frozenset({CONSULTATION}),
                READY_FOR_REVIEW,
                _may_record_fourparty,
                by_person=False,  # fourparty_record writes the meeting's outcome first
                event="proposal.proceed",
            ),
            Transition(
                "revise",
                _("修正を求める"),
                frozenset({CONSULTATION}),
                REVISING,
                _may_record_fourparty,
                needs_reason=True,
                by_person=False,
                effects=(_record_return_reason,),
                event="proposal.revise",
            ),
            Transition(
                "stop",
                _("中止とする"),
                frozenset({ACCEPTED, CONSULTATION}),
                STOPPED,
                _may_record_fourparty,
                needs_reason=True,
                by_person=False,
                effects=(_record_stop_reason,),
                event="proposal.stop",
            ),
            Transition(
                "merge",
                _("他の提案と統合する"),
                frozenset({CONSULTATION}),
                MERGED,
                _may_record_fourparty,
                guards=(_merges_into_another,),
                by_person=False,  # fourparty_record writes the meeting and the other proposal
                effects=(_record_stop_reason,),
                event="proposal.merge",
            ),
            Transition(
                "review_start",
                _("選考委員会の審査を始める"),
                frozenset({READY_FOR_REVIEW}),
                IN_REVIEW,
                _may_start_review,
                event="proposal.review_start",
            ),
            # The committee's advice and the city's decision: review.services writes the
            # Advice / CityDecision record and sends the notice letter, then moves the proposal.
            Transition(
                "advise",
                _("答申を記録する"),
                frozenset({IN_REVIEW}),
                ADVISED,
                _may_manage_review,
                by_person=False,
                event="proposal.decision",
            ),
            Transition(
                "adopt",
                _("採択とする"),
                frozenset({ADVISED}),
                ADOPTED,
                _may_manage_review,
                by_person=False,
                event="proposal.decision",
            ),
            Transition(
                "adopt_with_conditions",
                _("条件付きで採択とする"),
                frozenset({ADVISED}),
                ADOPTED_WITH_CONDITIONS,
                _may_manage_review,
                needs_reason=True,
                by_person=False,
                event="proposal.decision",
            ),
            Transition(
                "not_adopt",
                _("不採択とする"),
                frozenset({ADVISED}),
                NOT_ADOPTED,
                _may_manage_review,
                needs_reason=True,
                by_person=False,
                event="proposal.decision",
            ),
            Transition(
                "withdraw",
                _("取り下げる"),
                frozenset(BEFORE_DECISION),
                WITHDRAWN,
                _may_withdraw,
                event="proposal.withdraw",
            ),
        ]
    ),
)

STATES = PROPOSAL.states
TRANSITIONS = PROPOSAL.transitions
allowed_actions = PROPOSAL.allowed_actions
reachable_states = PROPOSAL.reachable_states
