"""The registration application's states and moves, as one table on the workflow engine
(kyodo.core.workflow). `REGISTRATION.transition(...)` is the only way a status changes."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kyodo.core.permissions import deferred
from kyodo.core.workflow import Move, State, Transition, Workflow, states, table

DRAFT, SUBMITTED, RETURNED, APPROVED, WITHDRAWN = (
    "draft",
    "submitted",
    "returned",
    "approved",
    "withdrawn",
)


_may_submit = deferred("kyodo.registry.permissions.can_submit_application")
_may_review = deferred("kyodo.registry.permissions.can_review_application")


def _freeze_profile(move: Move[Any]) -> None:
    """The center reviews the group's data as it was when submitted."""
    from kyodo.audit.services import jsonable
    from kyodo.registry.services import proposed_profile

    move.set(
        submitted_at=move.now,
        snapshot=jsonable(proposed_profile(move.obj.group)),
        return_reason="",
    )


def _record_return(move: Move[Any]) -> None:
    move.set(return_reason=move.reason, decided_by=move.actor)


def _record_approval(move: Move[Any]) -> None:
    move.set(decided_at=move.now, decided_by=move.actor)


def _register_group(move: Move[Any]) -> None:
    from kyodo.registry.services import group_register

    group_register(actor=move.actor, application=move.obj)


REGISTRATION: Workflow[Any] = Workflow(
    key="registration",
    label=_("団体登録の申請"),
    model_label="registry.RegistrationApplication",
    noun=_("申請"),
    audit_prefix="registration",
    lock_related=("group",),
    initial=DRAFT,
    states=states(
        [
            State(DRAFT, _("下書き"), _("下書き（未申請）"), editable_by_owner=True),
            State(SUBMITTED, _("審査待ち"), _("申請中（センターで確認しています）")),
            State(
                RETURNED,
                _("差戻し中"),
                _("差戻し（修正して再申請してください）"),
                editable_by_owner=True,
            ),
            State(APPROVED, _("承認済み"), _("登録済み"), final=True),
            State(WITHDRAWN, _("取下げ"), _("取下げ"), final=True),
        ]
    ),
    transitions=table(
        [
            Transition(
                "submit",
                _("申請する"),
                frozenset({DRAFT, RETURNED}),
                SUBMITTED,
                _may_submit,
                effects=(_freeze_profile,),
                event="registration.submit",
            ),
            Transition(
                "return",
                _("差し戻す"),
                frozenset({SUBMITTED}),
                RETURNED,
                _may_review,
                needs_reason=True,
                effects=(_record_return,),
                event="registration.return",
            ),
            Transition(
                "approve",
                _("承認する"),
                frozenset({SUBMITTED}),
                APPROVED,
                _may_review,
                effects=(_record_approval,),
                after=(_register_group,),
                event="registration.approve",
            ),
            Transition(
                "withdraw",
                _("取り下げる"),
                frozenset({DRAFT, SUBMITTED, RETURNED}),
                WITHDRAWN,
                _may_submit,
                event="registration.withdraw",
            ),
        ]
    ),
)

STATES = REGISTRATION.states
TRANSITIONS = REGISTRATION.transitions
OPEN_STATES = frozenset({DRAFT, SUBMITTED, RETURNED})
