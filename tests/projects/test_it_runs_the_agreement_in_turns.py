"""The agreement (協定書) on the workflow engine: the group and the department edit in turn,
each save a frozen version with its differences; both confirm; the conclusion needs the
conditions settled and the signed scan; a change agreement starts a new round with a reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from kyodo.audit.models import AuditEvent
from kyodo.core.editing import EditConflict
from kyodo.core.models import Delivery, OutboxEvent
from kyodo.core.workflow import TransitionRefused
from kyodo.projects import clauses, services
from kyodo.projects.models import AgreementVersion, Project
from tests.gates.conftest import PDF_BYTES
from tests.projects.conftest import walk_to_confirming

pytestmark = pytest.mark.django_db


def _scan() -> SimpleUploadedFile:
    return SimpleUploadedFile("signed.pdf", PDF_BYTES, content_type="application/pdf")


def _told(action: str) -> set[str]:
    event = OutboxEvent.objects.filter(payload__action=action).latest("pk")
    return set(Delivery.objects.filter(event=event).values_list("address", flat=True))


def test_it_lets_only_the_side_whose_turn_it_is_edit(
    project: Project, representative_a: Any, department_staff: Any, office_staff: Any
) -> None:
    agreement = project.agreement  # type: ignore[attr-defined]
    with pytest.raises(PermissionDenied):
        services.agreement_update(
            actor=department_staff, agreement=agreement, content={"purpose": "担当課の案"}
        )
    services.agreement_update(
        actor=representative_a, agreement=agreement, content={"purpose": "団体の案"}
    )
    services.agreement_transition(
        actor=representative_a, agreement=agreement, action="to_department"
    )
    assert department_staff.email in _told("to_department")
    with pytest.raises(PermissionDenied):
        services.agreement_update(
            actor=representative_a, agreement=agreement, content={"purpose": "もう一度"}
        )
    services.agreement_update(
        actor=department_staff, agreement=agreement, content={"purpose": "担当課の案"}
    )
    with pytest.raises(TransitionRefused):
        services.agreement_transition(
            actor=department_staff, agreement=agreement, action="to_group"
        )
    services.agreement_transition(
        actor=department_staff, agreement=agreement, action="to_group", reason="費用を見直して"
    )
    agreement.refresh_from_db()
    assert agreement.status == "drafting_by_group"
    assert agreement.return_reason == "費用を見直して"
    assert representative_a.email in _told("to_group")
    with pytest.raises(PermissionDenied):
        services.agreement_update(actor=office_staff, agreement=agreement, content={"purpose": "x"})


def test_it_keeps_every_saved_version_and_shows_what_changed(
    project: Project, representative_a: Any
) -> None:
    agreement = project.agreement  # type: ignore[attr-defined]
    first = agreement.versions.get()
    services.agreement_update(
        actor=representative_a,
        agreement=agreement,
        content={"purpose": "子どもと高齢者の孤食をなくす"},
        expected_version=agreement.version,
        note="対象を広げた",
    )
    second = agreement.versions.order_by("number").last()
    assert (first.number, second.number) == (1, 2)
    assert second.note == "対象を広げた"
    assert first.snapshot["purpose"] == "子どもの孤食をなくす"  # never changed afterwards
    rows = clauses.differences(first.snapshot, second.snapshot)
    assert [r.key for r in rows] == ["purpose"]
    assert ("insert", "と高齢者") in rows[0].segments
    # An unchanged save is no new version.
    agreement.refresh_from_db()
    services.agreement_update(
        actor=representative_a,
        agreement=agreement,
        content={"purpose": "子どもと高齢者の孤食をなくす"},
    )
    assert AgreementVersion.objects.filter(agreement=agreement).count() == 2


def test_it_refuses_a_save_made_on_a_stale_copy(project: Project, representative_a: Any) -> None:
    agreement = project.agreement  # type: ignore[attr-defined]
    stale = agreement.version
    services.agreement_update(
        actor=representative_a, agreement=agreement, content={"purpose": "先の保存"}
    )
    with pytest.raises(EditConflict):
        services.agreement_update(
            actor=representative_a,
            agreement=agreement,
            content={"purpose": "後の保存"},
            expected_version=stale,
        )


def test_it_concludes_after_both_confirm_the_conditions_are_settled_and_the_scan_is_attached(
    project: Project, representative_a: Any, department_staff: Any, office_staff: Any
) -> None:
    agreement = walk_to_confirming(project, representative_a, department_staff)
    assert {representative_a.email, department_staff.email} <= _told("to_confirm")
    with pytest.raises(TransitionRefused, match="両方"):
        services.agreement_conclude(
            actor=office_staff,
            agreement=agreement,
            upload=_scan(),
            concluded_on=dt.date(2026, 4, 1),
        )
    services.agreement_transition(
        actor=representative_a, agreement=agreement, action="confirm_group"
    )
    with pytest.raises(TransitionRefused, match="すでに"):
        services.agreement_transition(
            actor=representative_a, agreement=agreement, action="confirm_group"
        )
    services.agreement_transition(
        actor=department_staff, agreement=agreement, action="confirm_department"
    )
    with pytest.raises(TransitionRefused, match="条件"):
        services.agreement_conclude(
            actor=office_staff,
            agreement=agreement,
            upload=_scan(),
            concluded_on=dt.date(2026, 4, 1),
        )
    assert not agreement.scans.exists()
    condition = project.conditions.get()
    with pytest.raises(PermissionDenied):
        services.condition_settle(actor=department_staff, condition=condition, note="提出済み")
    services.condition_settle(actor=office_staff, condition=condition, note="安全計画を受領")
    services.agreement_conclude(
        actor=office_staff, agreement=agreement, upload=_scan(), concluded_on=dt.date(2026, 4, 1)
    )
    agreement.refresh_from_db()
    assert agreement.status == "concluded"
    assert agreement.concluded_on == dt.date(2026, 4, 1)
    scan = agreement.scans.get()
    assert scan.version == agreement.versions.order_by("number").last()
    assert office_staff.email in _told("conclude")
    for action in ("to_department", "to_confirm", "confirm_group", "conclude"):
        assert AuditEvent.objects.filter(
            action=f"agreement.{action}", target_id=str(agreement.pk)
        ).exists()


def test_a_change_agreement_makes_a_new_version_with_its_reason(
    project: Project, representative_a: Any, department_staff: Any, office_staff: Any
) -> None:
    agreement = walk_to_confirming(project, representative_a, department_staff)
    services.agreement_transition(
        actor=representative_a, agreement=agreement, action="confirm_group"
    )
    services.agreement_transition(
        actor=department_staff, agreement=agreement, action="confirm_department"
    )
    services.condition_settle(
        actor=office_staff, condition=project.conditions.get(), note="確認した"
    )
    services.agreement_conclude(
        actor=department_staff,
        agreement=agreement,
        upload=_scan(),
        concluded_on=dt.date(2026, 4, 1),
    )
    before = agreement.versions.count()
    with pytest.raises(TransitionRefused):
        services.agreement_transition(actor=representative_a, agreement=agreement, action="change")
    services.agreement_transition(
        actor=department_staff, agreement=agreement, action="change", reason="会場が変わるため"
    )
    agreement.refresh_from_db()
    assert (agreement.status, agreement.kind, agreement.round) == ("drafting_by_group", "change", 2)
    assert agreement.change_reason == "会場が変わるため"
    latest = agreement.versions.order_by("number").last()
    assert agreement.versions.count() == before + 1
    assert (latest.kind, latest.round, latest.note) == ("change", 2, "会場が変わるため")
    assert agreement.group_confirmed_at is None and agreement.concluded_on is None


def test_only_the_office_cancels_and_a_cancelled_agreement_stays_so(
    project: Project, representative_a: Any, office_staff: Any
) -> None:
    agreement = project.agreement  # type: ignore[attr-defined]
    with pytest.raises(PermissionDenied):
        services.agreement_transition(
            actor=representative_a, agreement=agreement, action="cancel", reason="やめます"
        )
    services.agreement_transition(
        actor=office_staff, agreement=agreement, action="cancel", reason="団体の解散"
    )
    agreement.refresh_from_db()
    assert agreement.status == "cancelled"


def test_the_concluded_cost_split_becomes_each_years_approved_amount(
    project: Project, representative_a: Any, department_staff: Any, office_staff: Any
) -> None:
    agreement = project.agreement  # type: ignore[attr-defined]
    costs = [dict(c) for c in agreement.content["costs"]]
    costs[1].update(city=280_000, group=120_000)
    services.agreement_update(actor=representative_a, agreement=agreement, content={"costs": costs})
    walk_to_confirming(project, representative_a, department_staff)
    services.agreement_transition(
        actor=representative_a, agreement=agreement, action="confirm_group"
    )
    services.agreement_transition(
        actor=department_staff, agreement=agreement, action="confirm_department"
    )
    services.condition_settle(actor=office_staff, condition=project.conditions.get(), note="済")
    segment = project.segments.get(year_index=2)
    assert segment.approved_amount == 300_000  # from the proposal's budget until concluded
    services.agreement_conclude(
        actor=office_staff, agreement=agreement, upload=_scan(), concluded_on=dt.date(2026, 4, 1)
    )
    amounts = list(
        project.segments.order_by("year_index").values_list("approved_amount", flat=True)
    )
    assert amounts == [400_000, 280_000, 200_000]
    segment.refresh_from_db()
    assert (segment.group_amount, segment.total_cost) == (120_000, 400_000)
    audit = AuditEvent.objects.get(action="agreement.conclude", target_id=str(agreement.pk))
    assert audit.changes["approved_amounts"] == {"2027": [300_000, 280_000]}


def test_a_project_without_a_department_cannot_be_passed_on(
    office_staff: Any, group_a: Any, representative_a: Any
) -> None:
    from tests.projects.conftest import adopted, make_final

    project = make_final(office_staff, adopted(office_staff, group_a, None))
    with pytest.raises(TransitionRefused, match="担当課が決まっていません"):
        services.agreement_transition(
            actor=representative_a,
            agreement=project.agreement,  # type: ignore[attr-defined]
            action="to_department",
        )
