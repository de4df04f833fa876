"""Who is told of each move of the evaluation (kyodo.core.events): whoever acts next, and
the partners of what the office decided."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_noop

from kyodo.core.events import Audience, audience, mail_subject, notify, subscribe
from kyodo.core.models import OutboxEvent
from kyodo.evaluation import workflow

TARGETS_TOLD: dict[str, tuple[str, ...]] = {
    "submit": ("section",),
    "agree": ("group", "office"),
    "return": ("group",),
    "reopen": ("group", "section"),
}
# An evaluation's submission goes to the office (it prepares the meeting and the outcome);
# a returned one to the side that wrote it.
BUDGET_TOLD: dict[str, tuple[str, ...]] = {
    "request": ("office", "section"),
    "withdraw": ("office", "section"),
    "pass": ("group", "section"),
    "not_pass": ("group", "section"),
}


def _audiences(project: Any, who: tuple[str, ...]) -> list[Audience]:
    to: list[Audience] = []
    for kind in who:
        if kind == "group":
            to.append(audience("group", project.group))
        elif kind == "section":
            to.append(audience("section", project.section_id))
        else:
            to.append(audience("office"))
    return to


def _tell(event: OutboxEvent, project: Any, who: tuple[str, ...], label: Any, state: Any) -> None:
    if not who:
        return
    notify(
        event=event,
        to=_audiences(project, who),
        subject=mail_subject(
            gettext_noop("【協働】「%(title)s」の評価：%(action)s"),
            title=project.title,
            action=label,
        ),
        template="evaluation/email/move.txt",
        context={
            "project": project,
            "action": label,
            "state": state,
            "reason": event.payload.get("reason", ""),
            "path": reverse("evaluation:project", args=[project.pk]),
        },
    )


@subscribe(*{t.event for t in workflow.TARGETS.transitions.values() if t.event})
def tell_of_targets_move(event: OutboxEvent, plan: Any) -> None:
    if plan is None:
        return
    action = event.payload["action"]
    _tell(
        event,
        plan.project,
        TARGETS_TOLD.get(action, ()),
        workflow.TARGETS.transitions[action].label,
        workflow.TARGETS.states[plan.status].staff_label,
    )


@subscribe(*{t.event for t in workflow.EVALUATION.transitions.values() if t.event})
def tell_of_evaluation_move(event: OutboxEvent, evaluation: Any) -> None:
    if evaluation is None:
        return
    action = event.payload["action"]
    who: tuple[str, ...] = ("office",)
    if action == "reopen":
        who = {"group": ("group",), "department": ("section",)}.get(evaluation.side, ())
    _tell(
        event,
        evaluation.segment.project,
        who,
        workflow.EVALUATION.transitions[action].label,
        workflow.EVALUATION.states[evaluation.status].staff_label,
    )


@subscribe(*{t.event for t in workflow.BUDGET_LINE.transitions.values() if t.event})
def tell_of_budget_line_move(event: OutboxEvent, line: Any) -> None:
    if line is None:
        return
    action = event.payload["action"]
    _tell(
        event,
        line.project,
        BUDGET_TOLD.get(action, ()),
        workflow.BUDGET_LINE.transitions[action].label,
        workflow.BUDGET_LINE.states[line.status].staff_label,
    )
