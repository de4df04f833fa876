"""Every write to the four-party consultation (4者協議): scheduling a meeting, co-writing its
minutes, and recording its outcome, which moves the proposal (proceed, revise, stop, merge)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kyodo.accounts.models import User
from kyodo.audit.services import audit_record
from kyodo.core.editing import expect_version
from kyodo.core.errors import DomainError
from kyodo.core.permissions import authorize
from kyodo.core.workflow import TransitionRefused
from kyodo.japan.calendar import wareki_datetime
from kyodo.proposals import workflow
from kyodo.proposals.models import (
    FourPartyConsultation,
    FourPartyOutcome,
    Proposal,
)
from kyodo.proposals.services import proposal_transition


@transaction.atomic
def fourparty_schedule(
    *,
    actor: User,
    proposal: Proposal,
    scheduled_at: dt.datetime,
    place: str = "",
    participants: str = "",
) -> FourPartyConsultation:
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    authorize(actor, "proposals.consult", proposal)
    if proposal.status not in (workflow.ACCEPTED, workflow.CONSULTATION):
        raise TransitionRefused(_("この状態の提案には4者協議を設定できません。"))
    meeting = FourPartyConsultation.objects.create(
        proposal=proposal,
        scheduled_at=scheduled_at,
        place=place,
        participants=participants,
        scheduled_by=actor,
    )
    if proposal.status == workflow.ACCEPTED:
        proposal_transition(actor=actor, proposal=proposal, action="schedule", by_service=True)
    else:
        audit_record(actor=actor, action="fourparty.schedule", target=proposal)
    return meeting


@transaction.atomic
def fourparty_save_minutes(
    *, actor: User, meeting: FourPartyConsultation, minutes: str, version: int | None
) -> FourPartyConsultation:
    """Save the minutes of a meeting whose outcome is not recorded yet: the department in
    charge, the center and the office write them together, each save on the last one's."""
    locked = FourPartyConsultation.objects.select_for_update().get(pk=meeting.pk)
    authorize(actor, "proposals.record_fourparty", locked.proposal)
    if locked.outcome != FourPartyOutcome.PENDING:
        raise TransitionRefused(_("この4者協議の結果は記録済みです。"))
    minutes = (minutes or "").strip()
    if not minutes:
        raise DomainError(_("議事録を入力してください。"), field="minutes")
    fields = expect_version(locked, version)
    before = locked.minutes
    locked.minutes = minutes
    locked.minutes_saved_by = actor
    locked.minutes_saved_at = timezone.now()
    locked.save(update_fields=[*fields, "minutes", "minutes_saved_by", "minutes_saved_at"])
    audit_record(
        actor=actor,
        action="fourparty.minutes",
        target=locked.proposal,
        changes={"minutes": [before, minutes]},
    )
    return locked


# Keyed by str: the outcome arrives as the form's plain string (TextChoices compare equal).
OUTCOME_ACTIONS: dict[str, str] = {
    FourPartyOutcome.PROCEED: "proceed",
    FourPartyOutcome.REVISE: "revise",
    FourPartyOutcome.STOP: "stop",
    FourPartyOutcome.MERGE: "merge",
}


@transaction.atomic
def fourparty_record(
    *,
    actor: User,
    meeting: FourPartyConsultation,
    minutes: str,
    outcome: str,
    reason: str = "",
    merged_into: Proposal | None = None,
    version: int | None = None,
) -> FourPartyConsultation:
    locked = FourPartyConsultation.objects.select_for_update().get(pk=meeting.pk)
    authorize(actor, "proposals.record_fourparty", locked.proposal)
    if locked.outcome != FourPartyOutcome.PENDING:
        raise TransitionRefused(_("この4者協議の結果は記録済みです。"))
    if locked.scheduled_at > timezone.now():
        raise TransitionRefused(
            _("4者協議の結果は、協議の日時（%(when)s）の後に記録できます。")
            % {"when": wareki_datetime(locked.scheduled_at)}
        )
    if outcome not in OUTCOME_ACTIONS:
        raise TransitionRefused(_("結果を選んでください。"))
    if outcome == FourPartyOutcome.MERGE and merged_into is None:
        raise TransitionRefused(_("統合先の提案を選んでください。"))
    # Recorded on minutes another party has saved since this page was opened: refused, so
    # that nobody's part of the minutes is lost (the page shows theirs beside what was typed).
    fields = expect_version(locked, version)
    locked.minutes = minutes
    locked.outcome = outcome
    locked.reason = reason.strip()
    locked.merged_into = merged_into if outcome == FourPartyOutcome.MERGE else None
    locked.recorded_by = actor
    locked.recorded_at = timezone.now()
    locked.save(
        update_fields=[
            *fields,
            "minutes",
            "outcome",
            "reason",
            "merged_into",
            "recorded_by",
            "recorded_at",
        ]
    )
    audit_record(
        actor=actor,
        action="fourparty.record",
        target=locked.proposal,
        summary=reason,
        changes={"outcome": [FourPartyOutcome.PENDING, outcome]},
    )
    proposal_transition(
        actor=actor,
        proposal=locked.proposal,
        action=OUTCOME_ACTIONS[outcome],
        reason=reason,
        by_service=True,
        into=locked.merged_into,
    )
    if locked.merged_into is not None:
        audit_record(
            actor=actor,
            action="proposal.merged_from",
            target=locked.merged_into,
            summary=str(locked.proposal),
        )
    return locked
