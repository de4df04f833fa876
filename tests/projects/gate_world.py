"""The projects app's objects in the gates' world (tests/gates): registered in
tests/gates/test_authorization_matrix.py WORLD_BUILDERS, after the proposals world.

"project_a": group A's project in the department persona's section, its agreement being
drafted by the group ("agreement_a"), one condition of the adoption to settle
("condition_a") and a signed scan on file ("scan_a")."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile

from kyodo.projects.models import AgreementScan
from kyodo.projects.services import project_create_from_proposal
from kyodo.review.models import CityDecision

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def projects_world(world: Any) -> dict[str, Any]:
    from tests.proposals import factories as pf

    office = world.users["office_staff"]
    section = world.users["department_staff"].role_assignments.get().section
    proposal = pf.ProposalFactory(
        call=world.extra["gate_call"],
        group=world.group_a,
        section=section,
        title="ゲートの協働事業",
        status="adopted_with_conditions",
        years=2,
    )
    for year in (1, 2):
        pf.balanced_budget(proposal, city=200_000, own=20_000, year=year)
    CityDecision.objects.create(
        proposal=proposal,
        outcome="adopted_with_conditions",
        conditions="安全管理の計画を出すこと",
        decided_by=office,
        provisional=False,
    )
    project = project_create_from_proposal(proposal=proposal, actor=office)
    agreement = project.agreement
    scan = AgreementScan(
        agreement=agreement,
        round=1,
        version=agreement.versions.get(),
        original_name="協定書（押印済み）.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=office,
    )
    scan.file.save("signed.pdf", ContentFile(PDF), save=False)
    scan.save()
    return {
        "project_a": project,
        "agreement_a": agreement,
        "condition_a": project.conditions.get(),
        "scan_a": scan,
    }
