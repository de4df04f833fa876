"""The proposal's state table and the one transition service."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail

from kyodo.audit.models import AuditEvent
from kyodo.core.errors import DomainError
from kyodo.core.permissions import NotAllowed
from kyodo.core.workflow import TransitionRefused
from kyodo.proposals import fourparty, services, versions, workflow
from kyodo.proposals.models import Proposal, ProposalVersion
from tests.proposals import factories as pf

ROOT = Path(__file__).resolve().parents[2]


def test_it_labels_every_state_for_staff_group_and_public() -> None:
    for state in workflow.STATES.values():
        assert state.staff_label and state.group_label and state.public_label
    for t in workflow.TRANSITIONS.values():
        assert t.target in workflow.STATES
        assert t.sources <= set(workflow.STATES)


def test_it_reaches_ready_for_review_from_draft_and_nothing_leaves_a_final_state() -> None:
    assert workflow.READY_FOR_REVIEW in workflow.reachable_states()
    assert workflow.reachable_states() == set(workflow.STATES)
    for key, state in workflow.STATES.items():
        if state.final:
            assert workflow.allowed_actions(key) == []


def test_it_assigns_status_only_through_the_workflow_engine() -> None:
    pattern = re.compile(r"\.status\s*=(?!=)")
    offenders = []
    for path in (ROOT / "kyodo" / "proposals").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == []
    assert workflow.PROPOSAL.model is Proposal
    source = (ROOT / "kyodo/proposals/services.py").read_text(encoding="utf-8")
    body = source.split("def proposal_transition(", 1)[1].split("\ndef ", 1)[0]
    assert "workflow.PROPOSAL.transition(" in body


def test_it_submits_freezes_a_version_and_writes_an_audit_event(
    draft: Proposal,
    representative_a: Any,
    office_staff: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        proposal = services.proposal_transition(
            actor=representative_a, proposal=draft, action="submit"
        )
    assert proposal.status == workflow.SUBMITTED
    assert proposal.version_number == 1
    assert proposal.group_profile["name"] == draft.group.name
    version = ProposalVersion.objects.get(proposal=proposal)
    assert version.snapshot["title"] == draft.title
    assert "400,000円" in version.snapshot["budget"]
    assert AuditEvent.objects.filter(action="proposal.submit", target_id=str(draft.pk)).exists()
    assert [m.to for m in mail.outbox] == [[office_staff.email]]


def test_it_refuses_to_submit_a_proposal_that_fails_a_hard_rule(
    draft: Proposal, representative_a: Any
) -> None:
    group = draft.group
    group.citizen_member_count = 3
    group.save(update_fields=["citizen_member_count"])
    with pytest.raises(TransitionRefused) as exc:
        services.proposal_transition(actor=representative_a, proposal=draft, action="submit")
    reasons = [r.reason for r in exc.value.report.blocking]
    assert reasons == ["市民の構成員が5人以上必要です（現在3人）"]
    draft.refresh_from_db()
    assert draft.status == workflow.DRAFT
    assert not draft.versions.exists()


def test_it_refuses_the_citys_part_above_the_share_of_cost(
    call: Any, group_a: Any, representative_a: Any
) -> None:
    from kyodo.programmes.models import Course

    course = Course.objects.create(
        programme=call.programme, key="rate", name="補助率", cost_shares=["2/3"], max_years=1
    )
    call.courses.add(course)
    proposal = pf.ProposalFactory(call=call, group=group_a, course=course)
    pf.balanced_budget(proposal, city=200_001, own=99_999)
    report = services.proposal_eligibility(proposal)
    assert [r.key for r in report.blocking] == ["share_year_1"]
    assert "2/3" in report.blocking[0].reason


def test_it_returns_with_a_reason_and_reopens_editing(
    draft: Proposal, representative_a: Any, office_staff: Any
) -> None:
    services.proposal_transition(actor=representative_a, proposal=draft, action="submit")
    with pytest.raises(TransitionRefused):
        services.proposal_transition(actor=office_staff, proposal=draft, action="return")
    services.proposal_transition(
        actor=office_staff, proposal=draft, action="return", reason="予算の内訳を詳しく"
    )
    draft.refresh_from_db()
    assert draft.status == workflow.RETURNED
    assert draft.return_reason == "予算の内訳を詳しく"
    services.proposal_update(actor=representative_a, proposal=draft, data={"purpose": "新しい目的"})
    services.proposal_transition(actor=representative_a, proposal=draft, action="submit")
    draft.refresh_from_db()
    assert draft.version_number == 2
    v1, v2 = draft.versions.order_by("number")
    diffs = versions.version_diff(v1.snapshot, v2.snapshot)
    assert [d.key for d in diffs] == ["purpose"]
    assert ("insert", "新しい目的") in diffs[0].segments or any(
        op == "insert" for op, _t in diffs[0].segments
    )


def test_it_refuses_a_group_member_who_tries_to_accept(
    draft: Proposal, representative_a: Any
) -> None:
    services.proposal_transition(actor=representative_a, proposal=draft, action="submit")
    with pytest.raises(NotAllowed):
        services.proposal_transition(actor=representative_a, proposal=draft, action="accept")


def test_it_runs_the_four_party_consultation_to_ready_for_review(
    draft: Proposal, representative_a: Any, office_staff: Any, department_staff: Any
) -> None:
    import datetime as dt

    from django.utils import timezone

    from kyodo.proposals.consultations import proposal_assign_section

    services.proposal_transition(actor=representative_a, proposal=draft, action="submit")
    # 受理 needs the department in charge.
    with pytest.raises(TransitionRefused, match="受理する前に担当課を決めてください"):
        services.proposal_transition(actor=office_staff, proposal=draft, action="accept")
    section = department_staff.role_assignments.get().section
    proposal_assign_section(actor=office_staff, proposal=draft, section=section)
    services.proposal_transition(actor=office_staff, proposal=draft, action="accept")
    # The office schedules; the department may not.
    with pytest.raises(NotAllowed):
        fourparty.fourparty_schedule(
            actor=department_staff, proposal=draft, scheduled_at=timezone.now()
        )
    meeting = fourparty.fourparty_schedule(
        actor=office_staff, proposal=draft, scheduled_at=timezone.now() + dt.timedelta(hours=2)
    )
    draft.refresh_from_db()
    assert draft.status == workflow.CONSULTATION and draft.center_involved
    # Not before the meeting: its result cannot be known yet.
    with pytest.raises(TransitionRefused, match="協議の日時"):
        fourparty.fourparty_record(
            actor=department_staff, meeting=meeting, minutes="役割分担を確認", outcome="proceed"
        )
    meeting.scheduled_at = timezone.now() - dt.timedelta(minutes=1)
    meeting.save(update_fields=["scheduled_at"])
    # The department in charge writes the minutes and the outcome.
    fourparty.fourparty_record(
        actor=department_staff, meeting=meeting, minutes="役割分担を確認", outcome="proceed"
    )
    draft.refresh_from_db()
    assert draft.status == workflow.READY_FOR_REVIEW
    assert AuditEvent.objects.filter(action="fourparty.record", actor=department_staff).exists()


def test_it_lets_only_the_department_in_charge_besides_office_and_center_record(
    draft: Proposal, representative_a: Any, office_staff: Any, center_staff: Any
) -> None:
    from kyodo.accounts.models import Role
    from kyodo.proposals.permissions import can_record_fourparty
    from tests import factories

    other_department = factories.staff_user(
        Role.DEPARTMENT, section=factories.SectionFactory(name="道路課")
    )
    in_charge = factories.staff_user(
        Role.DEPARTMENT, section=factories.SectionFactory(name="市民活動課")
    )
    draft.section = in_charge.role_assignments.get().section
    draft.save(update_fields=["section"])
    assert can_record_fourparty(in_charge, draft)
    assert can_record_fourparty(office_staff, draft) and can_record_fourparty(center_staff, draft)
    assert not can_record_fourparty(other_department, draft)
    assert not can_record_fourparty(representative_a, draft)


def test_it_stops_with_a_reason_the_group_can_read(
    draft: Proposal, representative_a: Any, office_staff: Any, department_staff: Any
) -> None:
    from django.utils import timezone

    services.proposal_transition(actor=representative_a, proposal=draft, action="submit")
    draft.section = department_staff.role_assignments.get().section
    draft.save(update_fields=["section"])
    services.proposal_transition(actor=office_staff, proposal=draft, action="accept")
    meeting = fourparty.fourparty_schedule(
        actor=office_staff, proposal=draft, scheduled_at=timezone.now()
    )
    fourparty.fourparty_record(
        actor=office_staff,
        meeting=meeting,
        minutes="議論",
        outcome="stop",
        reason="市の既存事業と重なるため",
    )
    draft.refresh_from_db()
    assert draft.status == workflow.STOPPED
    assert draft.stop_reason == "市の既存事業と重なるため"


def test_it_lets_only_the_representative_withdraw(
    draft: Proposal, representative_a: Any, member_a: Any
) -> None:
    with pytest.raises(NotAllowed):
        services.proposal_transition(actor=member_a, proposal=draft, action="withdraw")
    services.proposal_transition(actor=representative_a, proposal=draft, action="withdraw")
    draft.refresh_from_db()
    assert draft.status == workflow.WITHDRAWN


def test_it_refuses_a_first_submission_outside_the_call_window(
    draft: Proposal, representative_a: Any
) -> None:
    import datetime as dt

    call = draft.call
    with pytest.raises(TransitionRefused):
        services.proposal_transition(
            actor=representative_a,
            proposal=draft,
            action="submit",
            today=call.closes_on + dt.timedelta(days=1),
        )


def test_it_lets_several_groups_bid_on_one_theme(
    theme: Any, group_a: Any, group_b: Any, representative_a: Any, member_b: Any
) -> None:
    bids = [
        services.proposal_create(
            actor=actor, group=group, call=theme.call, course=theme.course, title=title, theme=theme
        )
        for actor, group, title in [
            (representative_a, group_a, "Aの案"),
            (member_b, group_b, "Bの案"),
        ]
    ]
    assert {b.track for b in bids} == {"city_proposed"}
    assert {b.section_id for b in bids} == {theme.section_id}
    assert theme.proposals.count() == 2


def test_it_refuses_a_bid_on_a_draft_theme(call: Any, group_a: Any, representative_a: Any) -> None:
    draft_theme = pf.CityThemeFactory(call=call, status="draft")
    with pytest.raises(DomainError) as refused:
        services.proposal_create(
            actor=representative_a,
            group=group_a,
            call=call,
            course=draft_theme.course,
            title="未公開テーマへの応募",
            theme=draft_theme,
        )
    assert refused.value.field == "theme"


def test_it_mails_the_group_the_reason_when_returned_after_commit(
    draft: Proposal,
    representative_a: Any,
    office_staff: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    services.proposal_transition(actor=representative_a, proposal=draft, action="submit")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.proposal_transition(
            actor=office_staff, proposal=draft, action="return", reason="収支を見直してください"
        )
    assert mail.outbox == []  # nothing is sent before the commit
    for callback in callbacks:
        callback()
    # One mail per recipient: the representative and the group's own address.
    to = sorted(m.to[0] for m in mail.outbox)
    assert to == sorted([representative_a.email, draft.group.email])
    assert all(len(m.to) == 1 and "収支を見直してください" in m.body for m in mail.outbox)


def test_it_freezes_the_group_profile_at_submission(draft: Proposal, representative_a: Any) -> None:
    services.proposal_transition(actor=representative_a, proposal=draft, action="submit")
    group = draft.group
    group.citizen_member_count = 99
    group.save(update_fields=["citizen_member_count"])
    draft.refresh_from_db()
    version = draft.versions.get()
    assert draft.group_profile["citizen_member_count"] == 10
    assert version.snapshot["group_profile"]["citizen_member_count"] == 10


def test_it_merges_a_proposal_into_another_of_the_same_call(
    draft: Proposal, representative_a: Any, office_staff: Any, department_staff: Any
) -> None:
    import datetime as dt

    from django.utils import timezone

    from kyodo.proposals.models import FourPartyConsultation

    section = department_staff.role_assignments.get().section
    other = pf.ProposalFactory(call=draft.call, title="統合先の提案", status="consultation")
    elsewhere = pf.ProposalFactory(title="別の募集の提案", status="consultation")
    draft.section = section
    draft.save(update_fields=["section"])
    services.proposal_transition(actor=representative_a, proposal=draft, action="submit")
    services.proposal_transition(actor=office_staff, proposal=draft, action="accept")
    meeting = fourparty.fourparty_schedule(
        actor=office_staff, proposal=draft, scheduled_at=timezone.now() - dt.timedelta(hours=1)
    )
    with pytest.raises(TransitionRefused, match="統合先の提案を選んでください"):
        fourparty.fourparty_record(
            actor=department_staff, meeting=meeting, minutes="議論", outcome="merge"
        )
    for wrong in (elsewhere, draft):
        with pytest.raises(TransitionRefused, match="同じ募集の別の提案"):
            fourparty.fourparty_record(
                actor=department_staff,
                meeting=meeting,
                minutes="議論",
                outcome="merge",
                reason="内容が重なる",
                merged_into=wrong,
            )
    fourparty.fourparty_record(
        actor=department_staff,
        meeting=meeting,
        minutes="議論",
        outcome="merge",
        reason="同じ地域の見守りなので一つの事業にまとめる",
        merged_into=other,
    )
    draft.refresh_from_db()
    assert draft.status == workflow.MERGED and workflow.STATES[draft.status].final
    assert draft.stop_reason == "同じ地域の見守りなので一つの事業にまとめる"
    assert FourPartyConsultation.objects.get(pk=meeting.pk).merged_into == other
    assert AuditEvent.objects.filter(
        action="proposal.merged_from", target_id=str(other.pk)
    ).exists()
