"""Invitations into a group and the representative's control of members and roles."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from kyodo.accounts.models import User
from kyodo.core.permissions import NotAllowed
from kyodo.registry import services
from kyodo.registry.models import CivicGroup, GroupInvitation, GroupMembership, GroupRole

pytestmark = pytest.mark.django_db


def _invite(client: Client, group: CivicGroup, capture: Any, email: str, role: str) -> Any:
    with capture(execute=True):
        return client.post(f"/my/groups/{group.pk}/invite/", {"email": email, "role": role})


def test_it_invites_by_mail_and_the_invitee_joins(
    as_user: Callable[[User], Client],
    representative_a: User,
    resident: User,
    group_a: CivicGroup,
    django_capture_on_commit_callbacks: Any,
) -> None:
    response = _invite(
        as_user(representative_a),
        group_a,
        django_capture_on_commit_callbacks,
        resident.email,
        "member",
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [resident.email]
    path = re.search(r"(/invitations/[^\s]+/)", mail.outbox[0].body)[1]  # type: ignore[index]

    client = as_user(resident)
    page = client.get(path)
    assert page.status_code == 200 and page.context["decision"]
    assert "グループA" in page.content.decode()
    assert client.post(path).status_code == 302
    membership = GroupMembership.objects.get(group=group_a, user=resident)
    assert membership.role == GroupRole.MEMBER
    assert client.get(f"/my/groups/{group_a.pk}/").status_code == 200


def test_it_refuses_an_expired_invitation(
    as_user: Callable[[User], Client], representative_a: User, resident: User, group_a: CivicGroup
) -> None:
    invitation = services.invitation_create(
        actor=representative_a, group=group_a, email=resident.email, role=GroupRole.MEMBER
    )
    GroupInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    client = as_user(resident)
    page = client.get(f"/invitations/{invitation.token}/")
    assert not page.context["decision"]
    assert "有効期限が切れています" in page.content.decode()
    client.post(f"/invitations/{invitation.token}/")
    assert not GroupMembership.objects.filter(group=group_a, user=resident).exists()
    invitation.refresh_from_db()
    with pytest.raises(NotAllowed):
        services.invitation_accept(actor=resident, invitation=invitation)


def test_it_refuses_to_reuse_an_accepted_invitation(
    as_user: Callable[[User], Client],
    representative_a: User,
    resident: User,
    member_b: User,
    group_a: CivicGroup,
) -> None:
    invitation = services.invitation_create(
        actor=representative_a, group=group_a, email=resident.email, role=GroupRole.REPRESENTATIVE
    )
    as_user(resident).post(f"/invitations/{invitation.token}/")
    assert (
        GroupMembership.objects.get(group=group_a, user=resident).role == GroupRole.REPRESENTATIVE
    )

    client = as_user(member_b)
    page = client.get(f"/invitations/{invitation.token}/")
    assert not page.context["decision"]
    client.post(f"/invitations/{invitation.token}/")
    assert not GroupMembership.objects.filter(group=group_a, user=member_b).exists()


def test_it_refuses_a_forwarded_invitation_to_someone_else(
    as_user: Callable[[User], Client],
    representative_a: User,
    resident: User,
    member_b: User,
    group_a: CivicGroup,
) -> None:
    invitation = services.invitation_create(
        actor=representative_a, group=group_a, email=resident.email, role=GroupRole.MEMBER
    )
    client = as_user(member_b)
    page = client.get(f"/invitations/{invitation.token}/")
    assert not page.context["decision"]
    assert f"{resident.email} あて" in page.content.decode()
    client.post(f"/invitations/{invitation.token}/")
    assert not GroupMembership.objects.filter(group=group_a, user=member_b).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_it_refuses_an_unknown_invitation_token(
    as_user: Callable[[User], Client], resident: User
) -> None:
    assert as_user(resident).get("/invitations/no-such-token/").status_code == 404


def test_it_lets_only_the_representative_invite(
    as_user: Callable[[User], Client],
    member_a: User,
    group_a: CivicGroup,
    django_capture_on_commit_callbacks: Any,
) -> None:
    response = _invite(
        as_user(member_a), group_a, django_capture_on_commit_callbacks, "x@example.jp", "member"
    )
    assert response.status_code == 403
    assert "メンバーの招待と役割の変更は、団体の代表者が行います。" in response.content.decode()
    assert not GroupInvitation.objects.exists()
    assert mail.outbox == []


def test_it_keeps_at_least_one_representative(
    as_user: Callable[[User], Client], representative_a: User, member_a: User, group_a: CivicGroup
) -> None:
    client = as_user(representative_a)
    own = GroupMembership.objects.get(group=group_a, user=representative_a)
    response = client.post(f"/my/memberships/{own.pk}/", {"role": "member"}, follow=True)
    assert "団体には少なくとも1人の代表者が必要です。" in response.content.decode()
    own.refresh_from_db()
    assert own.role == GroupRole.REPRESENTATIVE
    response = client.post(f"/my/memberships/{own.pk}/", {"remove": "1"}, follow=True)
    assert "団体には少なくとも1人の代表者が必要です。" in response.content.decode()
    assert GroupMembership.objects.filter(pk=own.pk).exists()

    # With a second representative the first may step down.
    other = GroupMembership.objects.get(group=group_a, user=member_a)
    client.post(f"/my/memberships/{other.pk}/", {"role": "representative"})
    other.refresh_from_db()
    assert other.role == GroupRole.REPRESENTATIVE
    client.post(f"/my/memberships/{own.pk}/", {"role": "member"})
    own.refresh_from_db()
    assert own.role == GroupRole.MEMBER
    assert group_a.memberships.filter(role=GroupRole.REPRESENTATIVE).count() == 1


def test_it_lets_only_the_representative_change_roles(
    as_user: Callable[[User], Client], representative_a: User, member_a: User, group_a: CivicGroup
) -> None:
    own = GroupMembership.objects.get(group=group_a, user=member_a)
    response = as_user(member_a).post(f"/my/memberships/{own.pk}/", {"role": "representative"})
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.role == GroupRole.MEMBER


def test_it_refuses_a_representative_of_another_group(
    as_user: Callable[[User], Client], member_b: User, member_a: User, group_a: CivicGroup
) -> None:
    membership = GroupMembership.objects.get(group=group_a, user=member_a)
    response = as_user(member_b).post(f"/my/memberships/{membership.pk}/", {"remove": "1"})
    assert response.status_code == 403
    assert GroupMembership.objects.filter(pk=membership.pk).exists()
