"""Random sequences of actions by random roles never leave the state table, and every
transition that happened left an audit event (hypothesis)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kyodo.audit.models import AuditEvent
from kyodo.core.workflow import TransitionRefused
from kyodo.proposals import services, workflow
from kyodo.proposals.models import Proposal
from tests.proposals import factories as pf
from tests.proposals.conftest import give_rules

ROLES = [
    "representative_a",
    "member_a",
    "member_b",
    "office_staff",
    "department_staff",
    "center_staff",
]
ACTIONS = [*workflow.TRANSITIONS, "edit"]

steps = st.lists(
    st.tuples(st.sampled_from(ROLES), st.sampled_from(ACTIONS), st.booleans()),
    min_size=1,
    max_size=14,
)

# Who may fire each action, by role (the table the predicates must agree with).
ALLOWED_ROLES = {
    "submit": {"representative_a", "member_a"},
    "withdraw": {"representative_a"},
    "return": {"office_staff"},
    "accept": {"office_staff"},
    "schedule": {"office_staff"},
    "proceed": {"office_staff"},
    "revise": {"office_staff"},
    "stop": {"office_staff"},
    "edit": {"representative_a", "member_a"},
}


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=steps)
def test_it_never_leaves_the_state_table_and_audits_every_move(
    sequence: list[tuple[str, str, bool]],
    call: Any,
    group_a: Any,
    representative_a: Any,
    member_a: Any,
    member_b: Any,
    office_staff: Any,
    department_staff: Any,
    center_staff: Any,
) -> None:
    people = {
        "representative_a": representative_a,
        "member_a": member_a,
        "member_b": member_b,
        "office_staff": office_staff,
        "department_staff": department_staff,
        "center_staff": center_staff,
    }
    if not group_a.documents.exists():
        give_rules(group_a, representative_a)
    proposal = pf.ProposalFactory(call=call, group=group_a)
    pf.balanced_budget(proposal, city=300_000, own=50_000)
    for role, action, with_reason in sequence:
        before = Proposal.objects.get(pk=proposal.pk).status
        events_before = AuditEvent.objects.filter(target_id=str(proposal.pk)).count()
        actor = people[role]
        try:
            if action == "edit":
                services.proposal_update(
                    actor=actor, proposal=proposal, data={"purpose": f"{role}-{events_before}"}
                )
            else:
                services.proposal_transition(
                    actor=actor,
                    proposal=proposal,
                    action=action,
                    reason="理由があります" if with_reason else "",
                )
        except (PermissionDenied, TransitionRefused):
            after = Proposal.objects.get(pk=proposal.pk).status
            assert after == before
            assert AuditEvent.objects.filter(target_id=str(proposal.pk)).count() == events_before
            continue
        after = Proposal.objects.get(pk=proposal.pk).status
        assert after in workflow.STATES
        # The committee stage's actions have their own roles (tests/review); the table and
        # the audit trail below hold for every action.
        assert action not in ALLOWED_ROLES or role in ALLOWED_ROLES[action], (role, action)
        if action == "edit":
            assert workflow.STATES[before].editable_by_owner
            assert after == before
            continue
        transition = workflow.TRANSITIONS[action]
        assert before in transition.sources, (action, before)
        assert after == transition.target
        assert not transition.needs_reason or with_reason
        assert AuditEvent.objects.filter(
            target_id=str(proposal.pk),
            action=f"proposal.{action}",
            changes__status=[before, after],
        ).exists()
