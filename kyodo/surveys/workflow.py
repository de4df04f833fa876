"""A survey edition's states and moves, as one table on the workflow engine
(kyodo.core.workflow).

The office or the center builds the questionnaire while the edition is a draft; opening it
freezes the questionnaire (the tables of an edition must count one questionnaire) and lets
the web answers in; closing it stops the web answers, while staff may still key paper and
import files; it may be reopened."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kyodo.core.permissions import ALLOW, Decision, deferred, deny, describe
from kyodo.core.workflow import State, Transition, Workflow, states, table

DRAFT, OPEN, CLOSED = "draft", "open", "closed"


# Who runs an edition: the survey staff of kyodo.surveys.permissions, imported when first called.
_may_run = deferred("kyodo.surveys.permissions.can_manage")


@describe(_("設問が1つ以上あること"))
def _has_questions(user: Any, edition: Any, params: dict[str, Any]) -> Decision:
    if not edition.questions.exists():
        return deny(_("設問がひとつもありません。"))
    return ALLOW


EDITION: Workflow[Any] = Workflow(
    key="survey_edition",
    label=_("調査の実施回"),
    model_label="surveys.Edition",
    noun=_("実施回"),
    audit_prefix="surveys.edition",
    initial=DRAFT,
    states=states(
        [
            State(DRAFT, _("準備中")),
            State(OPEN, _("回答受付中")),
            State(CLOSED, _("受付終了")),
        ]
    ),
    transitions=table(
        [
            Transition(
                "open",
                _("回答の受付を始める"),
                frozenset({DRAFT}),
                OPEN,
                _may_run,
                guards=(_has_questions,),
                event="surveys.edition_opened",
            ),
            Transition(
                "close",
                _("ウェブの受付を終える"),
                frozenset({OPEN}),
                CLOSED,
                _may_run,
                event="surveys.edition_closed",
            ),
            Transition(
                "reopen",
                _("受付を再開する"),
                frozenset({CLOSED}),
                OPEN,
                _may_run,
                event="surveys.edition_reopened",
            ),
        ]
    ),
)
