"""Who may see and do what in the selection committee's work.

- Committee members see only the proposals of their committee's call, and only after
  declaring no conflict of interest for that proposal; a member of the proposing group, or
  one who declared a conflict, never opens it (nor its scoring pages).
- The office (協働担当課) sees and runs everything, including each member's scores.
- A group sees its own notice letter once the city has decided.
- The public sees the presentation schedule and the results once the office publishes them.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kyodo.accounts.models import Role
from kyodo.accounts.permissions import LOGIN_REQUIRED, is_person
from kyodo.core.permissions import ALLOW, Decision, deny, describe, predicate
from kyodo.proposals import workflow
from kyodo.proposals.models import Proposal
from kyodo.registry.permissions import membership_role
from kyodo.review.conflicts import Standing, standing, standing_declaration

OFFICE_ONLY = _("選考委員会の運営は協働担当課が行います。")


def is_office(user: Any) -> bool:
    return is_person(user) and user.has_role(Role.OFFICE)


def seat_for(user: Any, call_id: int) -> Any:
    """The user's CommitteeMember row on the committee of call `call_id`, or None."""
    if not is_person(user) or not user.has_role(Role.COMMITTEE):
        return None
    cache = user.__dict__.setdefault("_committee_seats", {})
    if call_id not in cache:
        from kyodo.review.models import CommitteeMember

        cache[call_id] = (
            CommitteeMember.objects.filter(user=user, committee__call_id=call_id)
            .select_related("committee")
            .first()
        )
    return cache[call_id]


def in_proposing_group(user: Any, proposal: Proposal) -> bool:
    return membership_role(user, proposal.group) is not None


@describe(_("協働担当課"))
@predicate("review.manage")
def can_manage(user: Any, obj: Any = None) -> Decision:
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    return ALLOW if is_office(user) else deny(OFFICE_ONLY)


@predicate("review.configure_criteria")
def can_configure_criteria(user: Any, committee: Any) -> Decision:
    """The office sets a committee's criteria, scale, conversion and pass rule until the
    first score sheet is saved: after that, changing them would change the meaning of
    scores already given."""
    decision = can_manage(user)
    if not decision:
        return decision
    from kyodo.review.models import ScoreSheet

    if ScoreSheet.objects.filter(member__committee=committee).exists():
        return deny(
            _(
                "採点が始まっているため、審査基準（項目・重み・点数の範囲と意味・換算の方法・"
                "採択の基準）は変えられません。変えると、すでに付けられた点数の意味が変わるためです。"
            )
        )
    return ALLOW


@describe(_("協働担当課（その募集の選考委員会が設けられていること）"))
@predicate("review.start")
def can_start(user: Any, proposal: Proposal) -> Decision:
    decision = can_manage(user)
    if not decision:
        return decision
    from kyodo.review.models import Committee

    if not Committee.objects.filter(call_id=proposal.call_id).exists():
        return deny(_("この募集の選考委員会がまだありません。先に委員会を設けてください。"))
    return ALLOW


@predicate("review.advise")
def can_advise(user: Any, proposal: Proposal) -> Decision:
    decision = can_manage(user)
    if not decision:
        return decision
    from kyodo.review.models import Advice

    if not Advice.objects.filter(proposal=proposal).exists():
        return deny(_("答申は選考委員会のページで記録してください。"))
    return ALLOW


@predicate("review.decide")
def can_decide(user: Any, proposal: Proposal) -> Decision:
    decision = can_manage(user)
    if not decision:
        return decision
    from kyodo.review.models import CityDecision

    if not CityDecision.objects.filter(proposal=proposal).exists():
        return deny(_("市の決定は選考委員会のページで記録してください。"))
    return ALLOW


@predicate("review.view_individual_scores")
def can_view_individual_scores(user: Any, obj: Any = None) -> Decision:
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if is_office(user):
        return ALLOW
    return deny(_("委員ごとの点数は協働担当課だけが見られます。"))


@predicate("review.member_area")
def can_use_member_area(user: Any, obj: Any = None) -> Decision:
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if user.has_role(Role.COMMITTEE):
        return ALLOW
    return deny(_("このページは選考委員が使います。"))


def _member_on(user: Any, proposal: Proposal) -> tuple[Any, Decision]:
    if not is_person(user):
        return None, deny(LOGIN_REQUIRED)
    seat = seat_for(user, proposal.call_id)
    if seat is None:
        return None, deny(_("この提案を審査する委員会の委員ではありません。"))
    if proposal.status not in workflow.REVIEW_STATES:
        return seat, deny(_("この提案は審査の対象になっていません。"))
    return seat, ALLOW


@predicate("review.declare")
def can_declare(user: Any, proposal: Proposal) -> Decision:
    seat, decision = _member_on(user, proposal)
    if not decision:
        return decision
    if standing_declaration(seat, proposal) is not None:
        return deny(_("この提案の利害関係は申告済みです。"))
    return ALLOW


@predicate("review.open_proposal")
def can_open_proposal(user: Any, proposal: Proposal) -> Decision:
    """A member opens (reads and scores) a proposal only with a standing 'no conflict'."""
    seat, decision = _member_on(user, proposal)
    if not decision:
        return decision
    found = standing(
        in_group=in_proposing_group(user, proposal),
        declaration=standing_declaration(seat, proposal),
    )
    if found is Standing.GROUP_MEMBER:
        return deny(_("提案団体の構成員のため、この提案の審査には加われません。"))
    if found is Standing.UNDECLARED:
        return deny(_("提案を開く前に、利害関係の有無を申告してください。"))
    if found is Standing.DECLARED_CONFLICT:
        return deny(_("利害関係を申告したため、この提案の審査には加われません。"))
    return ALLOW


def presentation_ahead(proposal: Proposal) -> Any:
    """The proposal's presentation slot if it has one that has not ended yet, else None.
    Round 2 scoring and the advice wait for it (a call without presentations has no slot)."""
    from kyodo.review.models import PresentationSlot

    return PresentationSlot.objects.filter(proposal=proposal, ends_at__gt=timezone.now()).first()


def presentation_wait_reason(slot: Any) -> Any:
    from kyodo.japan.calendar import wareki_or_iso

    local = timezone.localtime(slot.ends_at)
    return _("公開プレゼンテーション（%(day)s %(time)s終了）の後にできます。") % {
        "day": wareki_or_iso(local.date()),
        "time": local.strftime("%H:%M"),
    }


@predicate("review.score")
def can_score(user: Any, target: tuple[Proposal, int]) -> Decision:
    proposal, round_number = target
    decision = can_open_proposal(user, proposal)
    if not decision:
        return decision
    if proposal.status != workflow.IN_REVIEW:
        return deny(_("答申の後は採点を変えられません。"))
    committee = seat_for(user, proposal.call_id).committee
    if round_number not in range(1, committee.criteria_set.rounds + 1):
        return deny(_("この回の採点はありません。"))
    deadline = committee.deadline(round_number)
    if deadline is not None and timezone.now() > deadline:
        return deny(_("採点の締切を過ぎたため、点数は確定しています。"))
    if round_number == 2:
        slot = presentation_ahead(proposal)
        if slot is not None:
            return deny(_("第2回の採点は、%(when)s") % {"when": presentation_wait_reason(slot)})
    return ALLOW


@predicate("review.view_notice")
def can_view_notice(user: Any, proposal: Proposal) -> Decision:
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if proposal.status not in workflow.DECIDED_STATES:
        return deny(_("まだ市の決定が出ていません。"))
    if is_office(user) or membership_role(user, proposal.group):
        return ALLOW
    return deny(_("この通知を見る権限がありません。"))


@predicate("review.view_results")
def can_view_results(user: Any, committee: Any) -> Decision:
    if committee is not None and committee.results_published_at is not None:
        return ALLOW
    if is_office(user):
        return ALLOW
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    return deny(_("審査結果はまだ公表されていません。"))


@predicate("review.view_schedule")
def can_view_schedule(user: Any, committee: Any) -> Decision:
    if committee is not None and committee.schedule_published_at is not None:
        return ALLOW
    if is_office(user):
        return ALLOW
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    return deny(_("公開プレゼンテーションの日程はまだ公表されていません。"))
