"""A project year on a grant course whose figures the tests work out by hand.

The course: a grant (補助金), cap 300,000 yen a year, the city's share of cost 90 %, an
advance up to 80 % of the decided grant, the confirmed amount cut below 1,000 yen, changes
under 20 % of the decided amount minor. The year: approved (agreed city share) 250,000 yen
of a total cost of 300,000 (the group pays 50,000).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kyodo.accounts.models import User
from kyodo.payments import services
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


def in_charge(funding: Funding, department: User) -> None:
    """Make `department`'s section the one in charge of the funding's project."""
    section = department.role_assignments.get().section
    Project.objects.filter(pk=funding.segment.project_id).update(section=section)
    funding.segment.project.section = section


def expense(
    category: str, unit_price: int, quantity: int = 1, description: str = ""
) -> dict[str, Any]:
    return {
        "kind": "expense",
        "category": category,
        "description": description,
        "unit_price": unit_price,
        "quantity": quantity,
    }


def income(source: str, amount: int, description: str = "") -> dict[str, Any]:
    return {"kind": "income", "source": source, "description": description, "amount": amount}


def report_and_accept(
    funding: Funding,
    *,
    group: User,
    office: User,
    department: User,
    lines: list[dict[str, Any]],
    notes: dict[tuple[str, str], str] | None = None,
) -> Funding:
    """The group's settlement submitted as the results report, checked by the office and
    accepted by the department in charge: ready for the confirmation of the amount."""
    in_charge(funding, department)
    services.settlement_replace(actor=group, funding=funding, lines=lines)
    if notes:
        services.settlement_explain(actor=group, funding=funding, notes=notes)
    services.settlement_submit(actor=group, funding=funding)
    services.funding_transition(actor=office, funding=funding, action="pass_report")
    services.funding_transition(actor=department, funding=funding, action="accept_report")
    funding.refresh_from_db()
    return funding


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def receipt_scan(name: str = "receipt.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")
