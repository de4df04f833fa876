"""Every registry and accounts service leaves an audit event; the log cannot be rewritten."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from kyodo.accounts import services as accounts
from kyodo.accounts.models import Role, RoleAssignment, User
from kyodo.audit.models import AppendOnlyError, AuditEvent
from kyodo.audit.services import audit_record
from kyodo.registry import services as registry
from kyodo.registry.models import CivicGroup, DocumentKind, GroupMembership, GroupRole
from tests import factories

pytestmark = pytest.mark.django_db


def _events(action: str, target: Any) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action=action, target_type=target._meta.label_lower, target_id=str(target.pk)
        )
    )


def _one(action: str, target: Any, actor: User) -> AuditEvent:
    events = _events(action, target)
    assert len(events) == 1, f"{action}: {len(events)} events"
    event = events[0]
    assert event.actor_id == actor.pk
    assert actor.email in event.actor_label
    assert event.target_label == str(target)[:300]
    assert event.at is not None
    return event


# --- registry services -----------------------------------------------------------------


def test_it_audits_starting_a_registration(resident: User) -> None:
    application = registry.group_start_registration(
        actor=resident,
        data={
            "name": "稲村ヶ崎を守る会",
            "name_kana": "いなむらがさきをまもるかい",
            "legal_form": "voluntary",
            "representative_name": "稲村 太郎",
            "member_count": 5,
            "area": factories.area(),
        },
        fields=factories.fields(7),
    )
    created = _one("group.create", application.group, resident)
    assert created.changes["name"] == [None, "稲村ヶ崎を守る会"]
    assert created.changes["fields"] == [None, [7]]
    assert created.changes["area"] == [None, "鎌倉地域"]
    _one("registration.create", application, resident)


def test_it_audits_a_profile_update_with_before_and_after(
    representative_a: User, group_a: CivicGroup
) -> None:
    data = registry.group_profile(group_a) | {"phone": "0467-11-2222", "area": group_a.area}
    registry.group_update(
        actor=representative_a,
        group=group_a,
        data=data,
        fields=group_a.fields.all(),
        expected_version=group_a.version,
    )
    event = _one("group.update", group_a, representative_a)
    assert event.changes == {"phone": ["0467-00-0000", "0467-11-2222"]}


def test_it_writes_no_update_event_when_nothing_changed(
    representative_a: User, group_a: CivicGroup
) -> None:
    data = registry.group_profile(group_a) | {"area": group_a.area}
    registry.group_update(
        actor=representative_a,
        group=group_a,
        data=data,
        fields=group_a.fields.all(),
        expected_version=group_a.version,
    )
    assert _events("group.update", group_a) == []


def test_it_audits_each_workflow_transition(
    representative_a: User, center_staff: User, group_a: CivicGroup
) -> None:
    group_a.registration_number = None
    group_a.registered_until = None
    group_a.save(update_fields=["registration_number", "registered_until"])
    application = factories.RegistrationApplicationFactory(group=group_a, fiscal_year=2025)

    registry.application_transition(
        application=application, action="submit", actor=representative_a
    )
    assert _one("registration.submit", application, representative_a).changes == {
        "status": ["draft", "submitted"]
    }
    registry.application_transition(
        application=application,
        action="return",
        actor=center_staff,
        reason="会則を添付してください",
    )
    returned = _one("registration.return", application, center_staff)
    assert returned.changes == {"status": ["submitted", "returned"]}
    assert returned.summary == "会則を添付してください"
    registry.application_transition(
        application=application, action="submit", actor=representative_a
    )
    assert len(_events("registration.submit", application)) == 2
    registry.application_transition(application=application, action="approve", actor=center_staff)
    assert _one("registration.approve", application, center_staff).changes == {
        "status": ["submitted", "approved"]
    }
    registered = _one("group.register", group_a, center_staff)
    assert registered.changes == {
        "registered_until": [None, "2026-03-31"],
        "registration_number": [None, "2025-0001"],
    }


def test_it_audits_renewal_start_and_withdrawal(
    representative_a: User, group_a: CivicGroup
) -> None:
    application = registry.renewal_start(actor=representative_a, group=group_a)
    _one("registration.create", application, representative_a)
    registry.application_transition(
        application=application, action="withdraw", actor=representative_a
    )
    assert _one("registration.withdraw", application, representative_a).changes == {
        "status": ["draft", "withdrawn"]
    }


def test_it_audits_invitations_roles_and_removals(
    representative_a: User, member_a: User, resident: User, group_a: CivicGroup
) -> None:
    invitation = registry.invitation_create(
        actor=representative_a, group=group_a, email="New@Example.jp", role=GroupRole.MEMBER
    )
    invited = _one("membership.invite", group_a, representative_a)
    assert invited.changes == {"invited": [None, "New@Example.jp (member)"]}

    resident.email = "new@example.jp"  # an invitation is accepted by its addressee only
    resident.save(update_fields=["email"])
    registry.invitation_accept(actor=resident, invitation=invitation)
    joined = _one("membership.join", group_a, resident)
    assert joined.changes == {"member": [None, f"{resident} (member)"]}

    membership = GroupMembership.objects.get(group=group_a, user=member_a)
    registry.membership_set_role(
        actor=representative_a, membership=membership, role=GroupRole.REPRESENTATIVE
    )
    role = _one("membership.role", group_a, representative_a)
    assert role.changes == {str(member_a): ["member", "representative"]}

    registry.membership_remove(
        actor=representative_a,
        membership=GroupMembership.objects.get(group=group_a, user=resident),
    )
    removed = _one("membership.remove", group_a, representative_a)
    assert removed.changes == {"member": [f"{resident} (member)", None]}


def test_it_audits_document_upload_and_delete(representative_a: User, group_a: CivicGroup) -> None:
    document = registry.document_upload(
        actor=representative_a,
        group=group_a,
        kind=DocumentKind.RULES,
        upload=SimpleUploadedFile("会則.pdf", b"%PDF-1.4\nrules\n", "application/pdf"),
        is_public=True,
    )
    uploaded = _one("document.upload", group_a, representative_a)
    assert uploaded.changes == {"document": [None, "会則・規約・定款: 会則.pdf"]}
    registry.document_delete(actor=representative_a, document=document)
    deleted = _one("document.delete", group_a, representative_a)
    assert deleted.changes == {"document": ["会則・規約・定款: 会則.pdf", None]}


# --- accounts services -----------------------------------------------------------------


def test_it_audits_sign_up_and_email_verification(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        user = accounts.user_sign_up(
            email="kana@example.jp", password="a-long-pass-phrase", full_name="仮名 花"
        )
    _one("user.sign_up", user, user)
    assert len(mail.outbox) == 1
    accounts.user_verify_email(user=user)
    _one("user.verify_email", user, user)
    accounts.user_verify_email(user=user)  # twice: nothing new happened
    assert len(_events("user.verify_email", user)) == 1


def test_it_audits_role_grant_and_revoke(administrator: User, resident: User) -> None:
    section = factories.SectionFactory(name="地域のつながり課")
    assignment = accounts.role_grant(
        actor=administrator, user=resident, role=Role.DEPARTMENT, section=section
    )
    granted = _one("role.grant", resident, administrator)
    assert granted.changes == {"role": [None, "担当課職員（地域のつながり課）"]}
    accounts.role_grant(actor=administrator, user=resident, role=Role.DEPARTMENT, section=section)
    assert len(_events("role.grant", resident)) == 1  # already held: no second event
    accounts.role_revoke(actor=administrator, assignment=assignment)
    revoked = _one("role.revoke", resident, administrator)
    assert revoked.changes == {"role": ["担当課職員（地域のつながり課）", None]}
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_it_audits_second_factor_confirm_and_reset(administrator: User) -> None:
    person = factories.staff_user(Role.CENTER, totp=False)
    device = accounts.totp_device_for_setup(user=person)
    accounts.totp_device_confirm(user=person, device=device)
    _one("user.totp_confirm", person, person)
    accounts.totp_device_reset(actor=administrator, user=person)
    _one("user.totp_reset", person, administrator)
    assert not TOTPDevice.objects.filter(user=person).exists()


# --- append-only ------------------------------------------------------------------------


@pytest.fixture
def event(resident: User) -> AuditEvent:
    return audit_record(actor=resident, action="test.event", target=resident, summary="original")


def test_it_refuses_to_change_or_delete_an_event_through_the_model(event: AuditEvent) -> None:
    event.summary = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.save(update_fields=["summary"])
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).summary == "original"


def test_it_refuses_to_change_or_delete_events_through_a_queryset(event: AuditEvent) -> None:
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(summary="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).summary == "original"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET summary = 'rewritten' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
)
def test_it_refuses_raw_sql_changes_in_the_database_itself(
    event: AuditEvent, statement: str
) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).summary == "original"


def test_it_refuses_to_delete_a_person_who_has_audit_events(
    event: AuditEvent, resident: User
) -> None:
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        resident.delete()


# --- the log page ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["center_staff", "office_staff", "administrator"])
def test_it_lets_staff_browse_and_filter_the_log(
    request: pytest.FixtureRequest,
    as_user: Callable[[User], Client],
    persona: str,
    representative_a: User,
    group_a: CivicGroup,
) -> None:
    registry.renewal_start(actor=representative_a, group=group_a)
    audit_record(actor=None, action="system.tick", summary="nightly")
    client = as_user(request.getfixturevalue(persona))
    everything = client.get("/staff/audit/")
    assert everything.status_code == 200
    actions = {e.action for e in everything.context["page"]}
    assert {"registration.create", "system.tick"} <= actions

    by_action = client.get("/staff/audit/", {"action": "registration"})
    assert {e.action for e in by_action.context["page"]} == {"registration.create"}
    by_actor = client.get("/staff/audit/", {"actor": representative_a.email})
    assert {e.actor_id for e in by_actor.context["page"]} == {representative_a.pk}
    by_target = client.get("/staff/audit/", {"target": "グループA"})
    assert all("グループA" in e.target_label for e in by_target.context["page"])
    assert len(by_target.context["page"]) >= 1
    future = client.get("/staff/audit/", {"since": "令和99年1月1日"})
    assert list(future.context["page"]) == []


@pytest.mark.parametrize(
    "persona", ["resident", "member_a", "department_staff", "committee_member"]
)
def test_it_refuses_the_log_to_everyone_else_with_the_reason(
    request: pytest.FixtureRequest, as_user: Callable[[User], Client], persona: str
) -> None:
    response = as_user(request.getfixturevalue(persona)).get("/staff/audit/")
    assert response.status_code == 403
    assert "監査ログを見られるのは" in response.content.decode()


def test_it_sends_anonymous_visitors_of_the_log_to_log_in(client: Client) -> None:
    response = client.get("/staff/audit/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
