"""What a proposal's moves set off: the "status changed" notices (kyodo.core.events).

The committee's advice and the city's decision (event "proposal.decision") send the notice
letter from kyodo.review.services instead, so they have no handler here."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_noop

from kyodo.core.events import Audience, audience, mail_subject, notify, subscribe
from kyodo.core.models import OutboxEvent
from kyodo.proposals import workflow

# The department in charge and the center join the four-party steps.
FOUR_PARTY = ("schedule", "proceed", "revise", "stop")


@subscribe(
    *(t.event for t in workflow.TRANSITIONS.values() if t.event and t.event != "proposal.decision")
)
def tell_of_move(event: OutboxEvent, proposal: Any) -> None:
    action = event.payload["action"]
    state = workflow.STATES[proposal.status]
    label = state.group_label
    to: list[Audience] = [audience("group", proposal.group)]
    if action in ("submit", "withdraw"):
        to = [audience("office")]
        label = state.staff_label
    if action in FOUR_PARTY:
        section_id = proposal.section_id or (
            proposal.theme.section_id if proposal.theme is not None else None
        )
        to.append(audience("section", section_id))
    if action == "schedule":
        to.append(audience("center"))
    notify(
        event=event,
        to=to,
        subject=mail_subject(
            gettext_noop("【協働】提案「%(title)s」：%(state)s"), title=proposal.title, state=label
        ),
        template="proposals/email/transition.txt",
        context={
            "proposal": proposal,
            "reason": event.payload.get("reason", ""),
            "state": label,
            "path": reverse("proposals:detail", args=[proposal.pk]),
        },
    )
