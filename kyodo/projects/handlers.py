"""What projects and their agreements set off: the project made when an adoption becomes
final, and the notices that tell each side when it is its turn (kyodo.core.events)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_noop

from kyodo.core.events import Audience, audience, mail_subject, notify, subscribe
from kyodo.core.models import OutboxEvent
from kyodo.projects import workflow


@subscribe("proposal.decision_final")
def make_project(event: OutboxEvent, proposal: Any) -> None:
    """The budget passed and the adoption is final: the proposal becomes a project."""
    from kyodo.proposals.workflow import ADOPTED_STATES

    if proposal is None or proposal.status not in ADOPTED_STATES:
        return
    from kyodo.projects.services import project_create_from_proposal

    project_create_from_proposal(proposal=proposal, actor=event.actor)


@subscribe("project.create")
def tell_of_project(event: OutboxEvent, project: Any) -> None:
    notify(
        event=event,
        to=[audience("group", project.group), audience("section", project.section_id)],
        subject=mail_subject(
            gettext_noop("【協働】協働事業「%(title)s」の協定書の協議を始めます"),
            title=project.title,
        ),
        template="projects/email/project_created.txt",
        context={"project": project, "path": reverse("projects:detail", args=[project.pk])},
    )


# Who is told of each move: the side whose turn it is, and the office at the conclusion.
TOLD: dict[str, tuple[str, ...]] = {
    "to_department": ("section",),
    "to_group": ("group",),
    "to_confirm": ("group", "section"),
    "confirm_group": ("section",),
    "confirm_department": ("group",),
    "reopen": ("group", "section"),
    "conclude": ("office", "group", "section"),
    "change": ("group", "section", "office"),
    "cancel": ("group", "section"),
}


@subscribe(*{t.event for t in workflow.TRANSITIONS.values() if t.event})
def tell_of_agreement_move(event: OutboxEvent, agreement: Any) -> None:
    action = event.payload["action"]
    project = agreement.project
    to: list[Audience] = []
    for who in TOLD.get(action, ()):
        if who == "group":
            to.append(audience("group", project.group))
        elif who == "section":
            to.append(audience("section", project.section_id))
        else:
            to.append(audience("office"))
    state = workflow.STATES[agreement.status]
    notify(
        event=event,
        to=to,
        subject=mail_subject(
            gettext_noop("【協働】協定書「%(title)s」：%(state)s"),
            title=project.title,
            state=state.staff_label,
        ),
        template="projects/email/agreement_move.txt",
        context={
            "project": project,
            "agreement": agreement,
            "action": workflow.TRANSITIONS[action].label,
            "state": state.staff_label,
            "reason": event.payload.get("reason", ""),
            "path": reverse("projects:detail", args=[project.pk]),
        },
    )


# Who is told of each move of a report: whoever acts next, and the group of the outcome.
REPORT_TOLD: dict[str, tuple[str, ...]] = {
    "submit": ("office",),
    "office_accept": ("section",),
    "office_return": ("group",),
    "accept": ("group", "office"),
    "department_return": ("group", "office"),
}


@subscribe(*{t.event for t in workflow.REPORT.transitions.values() if t.event})
def tell_of_report_move(event: OutboxEvent, report: Any) -> None:
    action = event.payload["action"]
    project = report.segment.project
    to: list[Audience] = []
    for who in REPORT_TOLD.get(action, ()):
        if who == "group":
            to.append(audience("group", project.group))
        elif who == "section":
            to.append(audience("section", project.section_id))
        else:
            to.append(audience("office"))
    state = workflow.REPORT.states[report.status]
    notify(
        event=event,
        to=to,
        subject=mail_subject(
            gettext_noop("【協働】「%(title)s」の報告：%(state)s"),
            title=project.title,
            state=state.staff_label,
        ),
        template="projects/email/report_move.txt",
        context={
            "project": project,
            "report": report,
            "action": workflow.REPORT.transitions[action].label,
            "state": state.staff_label,
            "reason": event.payload.get("reason", ""),
            "path": reverse("projects:report_detail", args=[report.pk]),
        },
    )
