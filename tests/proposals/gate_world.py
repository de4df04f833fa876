"""The proposal cycle's objects in the gates' world (tests/gates): registered in
tests/gates/test_authorization_matrix.py WORLD_BUILDERS.

Group A has a draft (with an attachment), an accepted proposal and one in its four-party
consultation; a consultation sheet that wished for the department persona's section; a
published theme and a draft theme of that section."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from kyodo.programmes.models import DepartmentIssue
from kyodo.proposals import fourparty, services
from kyodo.proposals.models import ConsultationSheet, ProposalAttachment
from kyodo.registry.models import DocumentKind

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def proposals_world(world: Any) -> dict[str, Any]:
    from tests import factories
    from tests.proposals import factories as pf

    rep = world.users["representative_a"]
    office = world.users["office_staff"]
    section = world.users["department_staff"].role_assignments.get().section
    call = pf.CallFactory(title="ゲートの募集")
    theme_published = pf.CityThemeFactory(call=call, section=section, title="公開テーマ")
    theme_draft = pf.CityThemeFactory(
        call=call, section=section, title="下書きテーマ", status="draft"
    )
    DepartmentIssue.objects.create(
        section=section,
        fiscal_year=call.fiscal_year,
        title="課題",
        description="内容",
        is_published=True,
    )
    consultation = ConsultationSheet.objects.create(
        group=world.group_a,
        call=call,
        idea="アイデア",
        issue="課題",
        wished_section=section,
        created_by=rep,
    )
    draft = pf.ProposalFactory(call=call, group=world.group_a, title="ゲートの下書き")
    attachment = ProposalAttachment.objects.create(
        proposal=draft,
        kind="rules",
        file=ContentFile(PDF, name="rules.pdf"),
        original_name="会則.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=rep,
    )
    if not world.group_a.documents.filter(kind=DocumentKind.RULES).exists():
        raise AssertionError("the gates' group A has its rules on file")

    in_charge = factories.SectionFactory(name="ゲートの担当課")

    def submitted_and_accepted(title: str) -> Any:
        # The committee's world has already adopted group A once in the collaboration
        # course (its limit is one adoption), so these go to the local-vitality course.
        proposal = pf.ProposalFactory(
            call=call,
            group=world.group_a,
            title=title,
            course=pf.course("local_vitality"),
            section=in_charge,  # 受理 needs the department in charge (not the gates' one)
        )
        pf.balanced_budget(proposal, city=100_000, own=10_000)
        services.proposal_transition(actor=rep, proposal=proposal, action="submit")
        return services.proposal_transition(actor=office, proposal=proposal, action="accept")

    accepted = submitted_and_accepted("ゲートの受理済み")
    in_consultation = submitted_and_accepted("ゲートの4者協議")
    # Held an hour ago, its result not yet written (a result waits for its meeting).
    meeting = fourparty.fourparty_schedule(
        actor=office, proposal=in_consultation, scheduled_at=timezone.now() - dt.timedelta(hours=1)
    )
    # A submitted proposal's attachment, which the office opens from the proposal's page.
    ProposalAttachment.objects.create(
        proposal=accepted,
        kind="rules",
        file=ContentFile(PDF, name="rules.pdf"),
        original_name="会則.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=rep,
    )
    return {
        "gate_call": call,
        "gate_course": call.courses.get(key="collaboration"),
        "theme_published": theme_published,
        "theme_draft": theme_draft,
        "consultation_a": consultation,
        "proposal_a": draft,
        "attachment_a": attachment,
        "proposal_accepted": accepted,
        "fourparty_a": meeting,
    }
