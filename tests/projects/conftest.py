"""A project as the city makes one: a three-year 協働コース proposal on a department's
theme, adopted with conditions through the committee's real services, then made final
when the budget passes (which makes the project, kyodo.projects.handlers)."""

from __future__ import annotations

from typing import Any

import pytest

from kyodo.accounts.models import Section, User
from kyodo.projects.models import Project
from kyodo.proposals.models import Proposal
from kyodo.registry.models import CivicGroup
from kyodo.review import services as review
from kyodo.review.models import Committee
from kyodo.review.seed import seed_review
from tests.proposals import factories as pf
from tests.review.conftest import ready_proposal, small_set


def adopted(
    office: User,
    group: CivicGroup,
    section: Section | None,
    *,
    years: int = 3,
    conditions: str = "安全管理の計画を協定の前に提出すること",
    advice_note: str = "",
    title: str = "海辺の子ども食堂",
) -> Proposal:
    """A proposal of `group` adopted (with conditions when given), not yet final."""
    seed_review()
    call = pf.CallFactory(fiscal_year=2026)
    review.committee_create(actor=office, call=call, criteria_set=small_set())
    proposal = ready_proposal(
        call,
        group=group,
        section=section,
        title=title,
        years=years,
        purpose="子どもの孤食をなくす",
        group_role="食堂の運営",
        city_role="学校への周知",
    )
    for year, city in ((1, 400_000), (2, 300_000), (3, 200_000))[:years]:
        pf.balanced_budget(proposal, city=city, own=100_000, year=year)
    proposal = review.review_start(actor=office, proposal=proposal)
    review.advice_record(
        actor=office,
        proposal=proposal,
        recommendation="adopt_with_conditions" if conditions else "adopt",
        note=advice_note,
    )
    review.decision_record(
        actor=office,
        proposal=proposal,
        outcome="adopted_with_conditions" if conditions else "adopted",
        conditions=conditions,
    )
    return Proposal.objects.get(pk=proposal.pk)


def make_final(office: User, proposal: Proposal) -> Project:
    import datetime as dt

    committee = Committee.objects.get(call=proposal.call)
    review.budget_passed(actor=office, committee=committee, passed_on=dt.date(2026, 3, 20))
    return Project.objects.get(proposal=proposal)


def section_of(user: User) -> Section:
    section = user.role_assignments.get().section
    assert section is not None
    return section


@pytest.fixture
def project(office_staff: User, group_a: CivicGroup, department_staff: User) -> Project:
    return make_final(office_staff, adopted(office_staff, group_a, section_of(department_staff)))


def walk_to_confirming(project: Project, rep: User, dept: User) -> Any:
    from kyodo.projects import services

    agreement = project.agreement  # type: ignore[attr-defined]
    services.agreement_transition(actor=rep, agreement=agreement, action="to_department")
    services.agreement_transition(actor=dept, agreement=agreement, action="to_confirm")
    return agreement


def conclude(project: Project, rep: User, dept: User, office: User, on: Any) -> Any:
    """Walk the agreement of a new project to its first conclusion (conditions settled, both
    confirmed, the signed scan attached on `on`)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kyodo.projects import services
    from tests.gates.conftest import PDF_BYTES

    agreement = walk_to_confirming(project, rep, dept)
    services.agreement_transition(actor=rep, agreement=agreement, action="confirm_group")
    services.agreement_transition(actor=dept, agreement=agreement, action="confirm_department")
    for condition in project.conditions.all():
        services.condition_settle(actor=office, condition=condition, note="確認した")
    scan = SimpleUploadedFile("signed.pdf", PDF_BYTES, content_type="application/pdf")
    services.agreement_conclude(actor=office, agreement=agreement, upload=scan, concluded_on=on)
    agreement.refresh_from_db()
    return agreement
