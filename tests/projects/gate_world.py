"""The projects app's objects in the gates' world (tests/gates): registered in
tests/gates/test_authorization_matrix.py WORLD_BUILDERS, after the proposals world.

"project_a": group A's project in the department persona's section, its agreement being
drafted by the group ("agreement_a": a change agreement, round 2, after a first
conclusion whose signed scan is on file, "scan_a"), one condition of the adoption to settle
("condition_a"); the money of its first year ("funding_a", a share course not yet fixed)
with one instalment to claim ("payment_a"); its year-1 interim report, overdue and
written but not submitted ("report_a"), with a photo not for the public page ("photo_a")."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile

from kyodo.projects.models import Agreement, AgreementScan
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
    # A past state: concluded in round 1 (the scan above), then changed (変更協定): round 2
    # is the group's draft of the change, so its change-agreement form exists as well.
    Agreement.objects.filter(pk=agreement.pk).update(
        kind="change", round=2, change_reason="ゲートの変更理由：実施回数を増やす"
    )
    agreement.refresh_from_db()
    # Money (kyodo.payments): year 1 of the project (a share course) before the office fixes
    # it, with one instalment set for the group to claim.
    from kyodo.payments.models import Payment, PaymentKind
    from kyodo.payments.services import funding_of

    funding = funding_of(project.segments.get(year_index=1))
    payment = Payment.objects.create(
        funding=funding, kind=PaymentKind.INSTALMENT, amount=100_000, due_on=dt.date(2026, 6, 30)
    )
    # A grant-course project of group A whose first year the office decided and confirmed
    # (a past state), so that its two notices exist.
    grant_proposal = pf.ProposalFactory(
        call=world.extra["gate_call"],
        group=world.group_a,
        section=section,
        title="ゲートの補助金事業",
        status="adopted",
        course=pf.course("local_vitality"),
    )
    pf.balanced_budget(grant_proposal, city=150_000, own=20_000)
    CityDecision.objects.create(
        proposal=grant_proposal, outcome="adopted", decided_by=office, provisional=False
    )
    grant_project = project_create_from_proposal(proposal=grant_proposal, actor=office)
    grant_funding = funding_of(grant_project.segments.get(year_index=1))
    type(grant_funding).objects.filter(pk=grant_funding.pk).update(
        status="confirmed",
        requested_amount=150_000,
        decided_amount=150_000,
        decision_number="GATE-0001",
        decided_on=dt.date(2026, 4, 20),
        actual_cost=160_000,
        eligible_cost=160_000,
        confirmed_amount=150_000,
        confirmation_number="GATE-0002",
        confirmed_on=dt.date(2027, 4, 10),
    )
    # Reports: year 1 of project_a on a schedule, its interim report due a week ago and
    # written (not yet submitted), so the group's submit button works; the results report
    # later in the year.
    from django.utils import timezone

    from kyodo.projects.models import Report, ReportSchedule

    segment = project.segments.get(year_index=1)
    ReportSchedule.objects.create(segment=segment, kind="periodic")
    today = timezone.localdate()
    report = Report.objects.create(
        segment=segment,
        kind="interim",
        due_on=today - dt.timedelta(days=7),
        activities="ゲートの活動",
        outcomes="ゲートの成果",
    )
    Report.objects.create(segment=segment, kind="results", due_on=today + dt.timedelta(days=120))
    # A photo of that report, not for the public page: the partners' only.
    from kyodo.projects.models import ReportPhoto
    from tests.gates.conftest import PNG_BYTES

    photo = ReportPhoto(
        report=report,
        caption="ゲートの活動写真",
        original_name="gate.png",
        content_type="image/png",
        size=len(PNG_BYTES),
        uploaded_by=world.users["representative_a"],
    )
    photo.file.save("gate.png", ContentFile(PNG_BYTES), save=False)
    photo.save()
    return {
        "photo_a": photo,
        "report_a": report,
        "funding_grant": grant_funding,
        "funding_a": funding,
        "payment_a": payment,
        "project_a": project,
        "agreement_a": agreement,
        "condition_a": project.conditions.get(),
        "scan_a": scan,
    }
