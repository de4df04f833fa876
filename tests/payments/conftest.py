"""A project year on a grant course whose figures the tests work out by hand.

The course: a grant (補助金), cap 300,000 yen a year, the city's share of cost 90 %, an
advance up to 80 % of the decided grant, the confirmed amount cut below 1,000 yen, changes
under 20 % of the decided amount minor. The year: approved (agreed city share) 250,000 yen
of a total cost of 300,000 (the group pays 50,000).
"""

from __future__ import annotations

from typing import Any

import pytest

from kyodo.accounts.models import User
from kyodo.payments.models import Funding
from kyodo.payments.services import funding_of
from kyodo.programmes.models import Course, PaymentType
from kyodo.projects.models import Project
from kyodo.projects.services import project_create_from_proposal
from kyodo.registry.models import CivicGroup
from tests.proposals import factories as pf


def grant_course(**rules: Any) -> Course:
    values: dict[str, Any] = {
        "payment_type": PaymentType.GRANT,
        "cap_per_year": 300_000,
        "cap_by_adoption": [],
        "cost_shares": ["90%"],
        "advance_share": "80%",
        "rounding_unit": 1_000,
        "minor_change_share": "20%",
        "max_years": 1,
    }
    values.update(rules)
    return Course.objects.create(
        programme=pf.kamakura(),
        key=f"test-grant-{Course.objects.count()}",
        name="テスト補助",
        **values,
    )


def grant_project(
    office: User, group: CivicGroup, course: Course, *, city: int = 250_000, own: int = 50_000
) -> Project:
    proposal = pf.ProposalFactory(group=group, course=course, status="adopted", years=1)
    pf.balanced_budget(proposal, city=city, own=own)
    return project_create_from_proposal(proposal=proposal, actor=office)


@pytest.fixture
def course(db: None) -> Course:
    return grant_course()


@pytest.fixture
def funding(office_staff: User, group_a: CivicGroup, course: Course) -> Funding:
    project = grant_project(office_staff, group_a, course)
    return funding_of(project.segments.get())
