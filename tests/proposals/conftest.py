from __future__ import annotations

from typing import Any

import pytest

from kyodo.programmes.models import Call, CityTheme
from kyodo.proposals.models import Proposal
from kyodo.registry.models import CivicGroup, DocumentKind, GroupDocument
from tests.proposals import factories as pf


@pytest.fixture
def call(db: None) -> Call:
    return pf.CallFactory()


@pytest.fixture
def theme(call: Call, department_staff: Any) -> CityTheme:
    section = department_staff.role_assignments.get().section
    return pf.CityThemeFactory(call=call, section=section)


def give_rules(group: CivicGroup, user: Any) -> None:
    GroupDocument.objects.create(
        group=group,
        kind=DocumentKind.RULES,
        file="registry/rules.pdf",
        original_name="rules.pdf",
        content_type="application/pdf",
        size=10,
        uploaded_by=user,
    )


@pytest.fixture
def draft(call: Call, group_a: CivicGroup, representative_a: Any) -> Proposal:
    """A collaboration-course draft of group A that passes every hard rule."""
    give_rules(group_a, representative_a)
    proposal = pf.ProposalFactory(call=call, group=group_a, created_by=representative_a)
    pf.balanced_budget(proposal, city=400_000, own=100_000)
    return proposal
