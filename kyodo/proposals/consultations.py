"""Every write to consultations (相談・事前調整): sheets, meetings, the department in charge."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kyodo.accounts.models import Section, User
from kyodo.audit.services import audit_record
from kyodo.core.errors import DomainError
from kyodo.core.events import audience, mail_subject, notify
from kyodo.core.permissions import authorize
from kyodo.programmes.models import Call, ThemeStatus
from kyodo.proposals.models import (
    ConsultationMeeting,
    ConsultationOutcome,
    ConsultationSheet,
    Proposal,
)
from kyodo.registry.models import CivicGroup


@transaction.atomic
def consultation_create(
    *, actor: User, group: CivicGroup, call: Call, data: dict[str, Any]
) -> ConsultationSheet:
    authorize(actor, "registry.act_for_group", group)
    theme = data.get("theme")
    if theme is not None and (theme.call_id != call.pk or theme.status != ThemeStatus.PUBLISHED):
        raise DomainError(_("このテーマには相談できません。"), field="theme")
    sheet = ConsultationSheet.objects.create(
        group=group,
        call=call,
        theme=theme,
        idea=data["idea"],
        issue=data["issue"],
        wished_section=data.get("wished_section") or (theme.section if theme else None),
        wished_section_text=data.get("wished_section_text", ""),
        created_by=actor,
    )
    audit_record(actor=actor, action="consultation.create", target=sheet)
    notify(
        to=[audience("office"), audience("center")],
        subject=mail_subject(
            gettext_noop("【協働】事前相談シートが届きました：%(name)s"), name=group.name
        ),
        template="proposals/email/consultation.txt",
        context={"sheet": sheet, "path": reverse("proposals:consultation", args=[sheet.pk])},
    )
    return sheet


@transaction.atomic
def consultation_assign(
    *, actor: User, sheet: ConsultationSheet, section: Section
) -> ConsultationSheet:
    locked = ConsultationSheet.objects.select_for_update().get(pk=sheet.pk)
    authorize(actor, "proposals.manage_consultation", locked)
    before = locked.assigned_section
    locked.assigned_section = section
    locked.save(update_fields=["assigned_section"])
    # Proposals already drafted from this consultation follow it to the department.
    for proposal in Proposal.objects.select_for_update().filter(
        consultation=locked, section__isnull=True
    ):
        proposal.section = section
        proposal.save(update_fields=["section", "updated_at"])
        audit_record(
            actor=actor,
            action="proposal.assign_section",
            target=proposal,
            changes={"section": [None, section]},
        )
    audit_record(
        actor=actor,
        action="consultation.assign",
        target=locked,
        changes={"assigned_section": [before, section]},
    )
    notify(
        to=[audience("section", section.pk)],
        subject=mail_subject(
            gettext_noop("【協働】協働事業の相談の担当になりました：%(name)s"),
            name=locked.group.name,
        ),
        template="proposals/email/consultation.txt",
        context={"sheet": locked, "path": reverse("proposals:consultation", args=[locked.pk])},
    )
    return locked


@transaction.atomic
def proposal_assign_section(*, actor: User, proposal: Proposal, section: Section) -> Proposal:
    """The office names the department that will work with the group on this proposal."""
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    authorize(actor, "proposals.intake", locked)
    before = locked.section
    locked.section = section
    locked.save(update_fields=["section", "updated_at"])
    audit_record(
        actor=actor,
        action="proposal.assign_section",
        target=locked,
        changes={"section": [before, section]},
    )
    notify(
        to=[audience("section", section.pk)],
        subject=mail_subject(
            gettext_noop("【協働】協働事業の提案の担当になりました：%(title)s"), title=locked.title
        ),
        template="proposals/email/transition.txt",
        context={
            "proposal": locked,
            "reason": "",
            "state": locked.state.staff_label,
            "path": reverse("proposals:detail", args=[locked.pk]),
        },
    )
    return locked


@transaction.atomic
def consultation_record_meeting(
    *, actor: User, sheet: ConsultationSheet, data: dict[str, Any]
) -> ConsultationMeeting:
    authorize(actor, "proposals.record_consultation", sheet)
    meeting = ConsultationMeeting.objects.create(
        sheet=sheet,
        held_on=data["held_on"],
        attendees=data["attendees"],
        notes=data["notes"],
        next_steps=data.get("next_steps", ""),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="consultation.meeting",
        target=sheet,
        changes={"meeting": [None, f"{meeting.held_on} {meeting.attendees}"]},
    )
    return meeting


@transaction.atomic
def consultation_conclude(
    *, actor: User, sheet: ConsultationSheet, outcome: str, note: str = ""
) -> ConsultationSheet:
    locked = ConsultationSheet.objects.select_for_update().get(pk=sheet.pk)
    authorize(actor, "proposals.record_consultation", locked)
    if outcome not in ConsultationOutcome.values:
        raise ValueError(outcome)
    before = locked.outcome
    locked.outcome = outcome
    locked.outcome_note = note
    locked.save(update_fields=["outcome", "outcome_note"])
    audit_record(
        actor=actor,
        action="consultation.conclude",
        target=locked,
        summary=note,
        changes={"outcome": [before, outcome]},
    )
    notify(
        to=[audience("group", locked.group)],
        subject=mail_subject(gettext_noop("【協働】事前相談の結果をお知らせします")),
        template="proposals/email/consultation.txt",
        context={"sheet": locked, "path": reverse("proposals:consultation", args=[locked.pk])},
    )
    return locked
