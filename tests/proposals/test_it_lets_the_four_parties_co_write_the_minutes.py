"""The four-party minutes are written together before the outcome is recorded: the department
in charge saves a first draft, the center adds to it, the office records the outcome. A save
made on minutes someone else changed meanwhile is refused, keeps what was typed and shows the
other person's text beside it; nobody's part is lost."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kyodo.audit.models import AuditEvent
from kyodo.proposals import fourparty, services, workflow
from kyodo.proposals.models import FourPartyConsultation, Proposal
from tests.conftest import login


def _meeting(draft: Proposal, rep: Any, office: Any, dept: Any) -> FourPartyConsultation:
    draft.section = dept.role_assignments.get().section
    draft.save(update_fields=["section"])
    services.proposal_transition(actor=rep, proposal=draft, action="submit")
    services.proposal_transition(actor=office, proposal=draft, action="accept")
    return fourparty.fourparty_schedule(
        actor=office, proposal=draft, scheduled_at=timezone.now() - dt.timedelta(hours=1)
    )


def test_department_and_center_write_the_minutes_in_turn_and_the_office_records(
    draft: Proposal,
    representative_a: Any,
    office_staff: Any,
    center_staff: Any,
    department_staff: Any,
) -> None:
    meeting = _meeting(draft, representative_a, office_staff, department_staff)
    url = reverse("proposals:fourparty_record", args=[meeting.pk])
    detail = reverse("proposals:detail", args=[draft.pk])
    prefix = f"record-{meeting.pk}"
    dept, center, office = (
        login(Client(), u) for u in (department_staff, center_staff, office_staff)
    )

    # Both open the page at version 1; the department saves first.
    assert f'name="{prefix}-version" value="1"' in dept.get(detail).content.decode()
    first = dept.post(
        url,
        {
            f"{prefix}-minutes": "役割分担：団体が運営",
            f"{prefix}-version": "1",
            "save_minutes": "1",
        },
    )
    assert first.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "役割分担：団体が運営" and meeting.outcome == "pending"
    assert meeting.minutes_saved_by == department_staff and meeting.version == 2

    # The center saves on the copy it opened before: refused, its text kept, the other shown.
    stale = center.post(
        url, {f"{prefix}-minutes": "センターの補足", f"{prefix}-version": "1", "save_minutes": "1"}
    )
    body = stale.content.decode()
    assert stale.status_code == 200
    assert "別の人がこの内容を保存しました" in body
    assert "センターの補足" in body and "役割分担：団体が運営" in body
    assert f'name="{prefix}-version" value="2"' in body
    meeting.refresh_from_db()
    assert meeting.minutes == "役割分担：団体が運営"

    # On the newer version the center adds its part.
    both = "役割分担：団体が運営\nセンターの補足：広報を支援"
    assert (
        center.post(
            url, {f"{prefix}-minutes": both, f"{prefix}-version": "2", "save_minutes": "1"}
        ).status_code
        == 302
    )
    page = office.get(detail).content.decode()
    assert "センター 職員さんが" in page and "センターの補足：広報を支援" in page

    # Saving minutes asks for no outcome; empty minutes are refused at the field.
    empty = dept.post(url, {f"{prefix}-minutes": "", f"{prefix}-version": "3", "save_minutes": "1"})
    assert empty.status_code == 200 and "errorlist" in empty.content.decode()

    # The office records the outcome on the minutes both wrote.
    done = office.post(
        url, {f"{prefix}-minutes": both, f"{prefix}-version": "3", f"{prefix}-outcome": "proceed"}
    )
    assert done.status_code == 302
    meeting.refresh_from_db()
    draft.refresh_from_db()
    assert meeting.outcome == "proceed" and meeting.minutes == both
    assert draft.status == workflow.READY_FOR_REVIEW
    saves = AuditEvent.objects.filter(action="fourparty.minutes").order_by("pk")
    assert [e.actor for e in saves] == [department_staff, center_staff]
    # Once recorded, the minutes are closed.
    late = dept.post(
        url, {f"{prefix}-minutes": "追記", f"{prefix}-version": "4", "save_minutes": "1"}
    )
    assert late.status_code == 302
    assert "記録済み" in dept.get(late["Location"]).content.decode()
    meeting.refresh_from_db()
    assert meeting.minutes == both
