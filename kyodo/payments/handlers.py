"""Who is told of each move of a year's money (kyodo.core.events): the group of what the
office did, the office of what the group asked for, the department in charge of a results
report waiting for its acceptance, and the office of the department's answer."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_noop

from kyodo.core.events import Audience, audience, mail_subject, notify, subscribe
from kyodo.core.models import OutboxEvent
from kyodo.payments import workflow

# The group's moves go to the office; the office's to the group. The results report the
# office has checked goes to the department in charge, whose acceptance the office awaits.
BY_GROUP = {"apply", "request_change", "report", "claim"}
TO_DEPARTMENT = {"pass_report"}
BY_DEPARTMENT = {"accept_report", "department_return_report"}


def _tell(event: OutboxEvent, project: Any, label: Any, state: Any, payment: Any = None) -> None:
    action = event.payload["action"]
    to: list[Audience] = (
        [audience("office")] if action in BY_GROUP else [audience("group", project.group)]
    )
    if action in TO_DEPARTMENT:
        # The section in charge as it is now (the project may have been loaded before it
        # was assigned).
        section_id = (
            type(project).objects.filter(pk=project.pk).values_list("section_id", flat=True)[0]
        )
        if section_id is not None:
            to.append(audience("section", section_id))
    if action in BY_DEPARTMENT:
        to.append(audience("office"))
    notify(
        event=event,
        to=to,
        subject=mail_subject(
            gettext_noop("【協働】「%(title)s」のお金：%(action)s"),
            title=project.title,
            action=label,
        ),
        template="payments/email/money_move.txt",
        context={
            "project": project,
            "action": label,
            "state": state,
            "payment": payment,
            "reason": event.payload.get("reason", ""),
            "path": reverse("projects:detail", args=[project.pk]),
        },
    )


@subscribe(*{t.event for t in workflow.FUNDING.transitions.values() if t.event})
def tell_of_funding_move(event: OutboxEvent, funding: Any) -> None:
    if funding is None:
        return
    action = event.payload["action"]
    _tell(
        event,
        funding.segment.project,
        workflow.FUNDING.transitions[action].label,
        workflow.FUNDING.states[funding.status].staff_label,
    )


@subscribe(*{t.event for t in workflow.PAYMENT.transitions.values() if t.event})
def tell_of_payment_move(event: OutboxEvent, payment: Any) -> None:
    if payment is None:
        return
    action = event.payload["action"]
    _tell(
        event,
        payment.funding.segment.project,
        workflow.PAYMENT.transitions[action].label,
        workflow.PAYMENT.states[payment.status].staff_label,
        payment,
    )
