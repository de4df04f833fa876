"""The registration application's states and the moves between them, as one table.

Only `registry.services.application_transition` changes an application's status.
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
    editable_by_group: bool = False


@dataclass(frozen=True)
class Transition:
    action: str
    label: str | Promise
    sources: frozenset[str]
    target: str
    permission: str  # name of the predicate in registry.permissions
    needs_reason: bool = False


DRAFT, SUBMITTED, RETURNED, APPROVED, WITHDRAWN = (
    "draft",
    "submitted",
    "returned",
    "approved",
    "withdrawn",
)

STATES: dict[str, State] = {
    DRAFT: State(DRAFT, _("下書き"), _("下書き（未申請）"), editable_by_group=True),
    SUBMITTED: State(SUBMITTED, _("審査待ち"), _("申請中（センターで確認しています）")),
    RETURNED: State(
        RETURNED, _("差戻し中"), _("差戻し（修正して再申請してください）"), editable_by_group=True
    ),
    APPROVED: State(APPROVED, _("承認済み"), _("登録済み")),
    WITHDRAWN: State(WITHDRAWN, _("取下げ"), _("取下げ")),
}

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition(
            "submit",
            _("申請する"),
            frozenset({DRAFT, RETURNED}),
            SUBMITTED,
            "registry.submit_application",
        ),
        Transition(
            "return",
            _("差し戻す"),
            frozenset({SUBMITTED}),
            RETURNED,
            "registry.review_application",
            needs_reason=True,
        ),
        Transition(
            "approve",
            _("承認する"),
            frozenset({SUBMITTED}),
            APPROVED,
            "registry.review_application",
        ),
        Transition(
            "withdraw",
            _("取り下げる"),
            frozenset({DRAFT, SUBMITTED, RETURNED}),
            WITHDRAWN,
            "registry.submit_application",
        ),
    ]
}

OPEN_STATES = frozenset({DRAFT, SUBMITTED, RETURNED})


def allowed_actions(status: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if status in t.sources]
