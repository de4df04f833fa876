"""A proposal's states and the moves between them, as one table.

Only `proposals.services.proposal_transition` changes a proposal's status. Each state has
a label for staff and one for the group; `public_label` is what the public may read once
results are published (the committee and decision states of the next stage add rows here:
the table is the only place to extend).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class State:
    key: str
    staff_label: str | Promise
    group_label: str | Promise
    public_label: str | Promise
    editable_by_group: bool = False
    final: bool = False


@dataclass(frozen=True)
class Transition:
    action: str
    label: str | Promise
    sources: frozenset[str]
    target: str
    permission: str  # name of the predicate in proposals.permissions
    needs_reason: bool = False
    # False when the service that drives the move sends its own message (the committee's
    # decisions send the notice letter instead of the generic "status changed" mail).
    notify: bool = True


DRAFT = "draft"
SUBMITTED = "submitted"
RETURNED = "returned"
ACCEPTED = "accepted"
CONSULTATION = "consultation"
REVISING = "revising"
READY_FOR_REVIEW = "ready_for_review"
STOPPED = "stopped"
WITHDRAWN = "withdrawn"
# The selection committee and the decision (review app). A decision is provisional until
# the budget passes: that is a flag on review.models.CityDecision, not more states.
IN_REVIEW = "in_review"
ADVISED = "advised"
ADOPTED = "adopted"
ADOPTED_WITH_CONDITIONS = "adopted_with_conditions"
NOT_ADOPTED = "not_adopted"

STATES: dict[str, State] = {
    s.key: s
    for s in [
        State(DRAFT, _("作成中"), _("作成中（未提出）"), _("非公開"), editable_by_group=True),
        State(SUBMITTED, _("形式審査待ち"), _("提出済み（市で確認しています）"), _("非公開")),
        State(
            RETURNED,
            _("差戻し中"),
            _("差戻し（修正して再提出してください）"),
            _("非公開"),
            editable_by_group=True,
        ),
        State(ACCEPTED, _("受理（4者協議の日程調整中）"), _("受理されました"), _("非公開")),
        State(CONSULTATION, _("4者協議"), _("4者協議中"), _("非公開")),
        State(
            REVISING,
            _("4者協議を受けて修正中"),
            _("修正して再提出してください（4者協議）"),
            _("非公開"),
            editable_by_group=True,
        ),
        State(READY_FOR_REVIEW, _("審査待ち"), _("審査に進みます"), _("審査中")),
        State(STOPPED, _("中止"), _("中止（理由をご確認ください）"), _("非公開"), final=True),
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
            NOT_ADOPTED, _("不採択"), _("不採択（理由をご確認ください）"), _("不採択"), final=True
        ),
    ]
}

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

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition(
            "submit",
            _("提出する"),
            frozenset({DRAFT, RETURNED, REVISING}),
            SUBMITTED,
            "proposals.submit",
        ),
        Transition(
            "return",
            _("差し戻す"),
            frozenset({SUBMITTED}),
            RETURNED,
            "proposals.intake",
            needs_reason=True,
        ),
        Transition("accept", _("受理する"), frozenset({SUBMITTED}), ACCEPTED, "proposals.intake"),
        Transition(
            "schedule",
            _("4者協議を設定する"),
            frozenset({ACCEPTED}),
            CONSULTATION,
            "proposals.consult",
        ),
        Transition(
            "proceed",
            _("審査に進める"),
            frozenset({CONSULTATION}),
            READY_FOR_REVIEW,
            "proposals.consult",
        ),
        Transition(
            "revise",
            _("修正を求める"),
            frozenset({CONSULTATION}),
            REVISING,
            "proposals.consult",
            needs_reason=True,
        ),
        Transition(
            "stop",
            _("中止とする"),
            frozenset({ACCEPTED, CONSULTATION}),
            STOPPED,
            "proposals.consult",
            needs_reason=True,
        ),
        # The selection committee (review.services drives these; the office acts). The
        # advice and decision predicates allow the move only once review.services has
        # written the Advice / CityDecision record in the same transaction.
        Transition(
            "review_start",
            _("選考委員会の審査を始める"),
            frozenset({READY_FOR_REVIEW}),
            IN_REVIEW,
            "review.start",
        ),
        Transition(
            "advise",
            _("答申を記録する"),
            frozenset({IN_REVIEW}),
            ADVISED,
            "review.advise",
            notify=False,
        ),
        Transition(
            "adopt", _("採択とする"), frozenset({ADVISED}), ADOPTED, "review.decide", notify=False
        ),
        Transition(
            "adopt_with_conditions",
            _("条件付きで採択とする"),
            frozenset({ADVISED}),
            ADOPTED_WITH_CONDITIONS,
            "review.decide",
            needs_reason=True,
            notify=False,
        ),
        Transition(
            "not_adopt",
            _("不採択とする"),
            frozenset({ADVISED}),
            NOT_ADOPTED,
            "review.decide",
            needs_reason=True,
            notify=False,
        ),
        Transition(
            "withdraw",
            _("取り下げる"),
            BEFORE_DECISION,
            WITHDRAWN,
            "proposals.withdraw",
        ),
    ]
}


def allowed_actions(status: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if status in t.sources]


def reachable_states(start: str = DRAFT) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        current = todo.pop()
        for t in allowed_actions(current):
            if t.target not in seen:
                seen.add(t.target)
                todo.append(t.target)
    return seen
