"""The committee's objects in the gates' world (tests/gates): registered in
tests/gates/test_authorization_matrix.py WORLD_BUILDERS.

A published call with a committee on which both committee personas sit; "review_a" is
group A's proposal in review (committee_member declared no conflict; committee_conflicted
belongs to group A); "review_b" group B's, undeclared; "decided_a" group A's adopted one
with its notice; schedule and results are published."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile

from kyodo.proposals import workflow
from kyodo.proposals.models import Proposal, ProposalAttachment
from kyodo.review import services
from kyodo.review.models import MemberKind
from kyodo.review.seed import seed_review
from tests.gates.conftest import PDF_BYTES
from tests.review.conftest import ready_proposal


def review_world(world: Any) -> dict[str, Any]:
    from tests.proposals import factories as pf

    office = world.users["office_staff"]
    criteria_set = seed_review()
    call = pf.CallFactory()
    committee = services.committee_create(actor=office, call=call, criteria_set=criteria_set)
    kind = MemberKind.objects.first()
    for persona in ("committee_member", "committee_conflicted"):
        services.committee_add_member(
            actor=office, committee=committee, user=world.users[persona], kind=kind
        )
    review_a = ready_proposal(call, group=world.group_a, title="審査中の提案A")
    review_b = ready_proposal(call, group=world.group_b, title="審査中の提案B")
    decided_a = ready_proposal(call, group=world.group_a, title="決定済みの提案A")
    review_a, review_b, decided_a = (
        services.review_start(actor=office, proposal=p) for p in (review_a, review_b, decided_a)
    )
    services.declaration_make(
        actor=world.users["committee_member"], proposal=review_a, has_conflict=False
    )
    services.advice_record(actor=office, proposal=decided_a, recommendation="adopt")
    services.decision_record(actor=office, proposal=decided_a, outcome="adopted")
    services.schedule_publish(actor=office, committee=committee)
    services.results_publish(actor=office, committee=committee)
    assert Proposal.objects.get(pk=decided_a.pk).status == workflow.ADOPTED
    declaration = review_a.declarations.get(member__user=world.users["committee_member"])
    # A submitted attachment of review_a, which a member without a conflict opens.
    review_file = ProposalAttachment.objects.create(
        proposal=review_a,
        kind="rules",
        file=ContentFile(PDF_BYTES, name="rules.pdf"),
        original_name="会則.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        uploaded_by=review_a.created_by,
        frozen_in_version=1,
    )
    # A second call whose committee has not started scoring: its criteria can still change.
    criteria_call = pf.CallFactory(title="審査基準を設定中の募集")
    services.committee_create(actor=office, call=criteria_call)
    return {
        "criteria_call": criteria_call,
        "review_file": review_file,
        "review_call": call,
        "review_a": review_a,
        "review_b": review_b,
        "decided_a": decided_a,
        "review_declaration": declaration,
    }
