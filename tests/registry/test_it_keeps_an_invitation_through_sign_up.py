"""An invitation survives the invitee's sign-up: from the link in the invitation mail, the
invitee signs up with the invited address, verifies it, logs in, and lands back on the
invitation, which they can accept. All by following links and sending forms, as a person
does (the test client, end to end)."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from kyodo.registry import services
from kyodo.registry.models import GroupMembership, GroupRole
from tests.conftest import login

pytestmark = pytest.mark.django_db
PASSWORD = "zaimokuza-sea-breeze-2025"


def _link(body: str, part: str) -> str:
    for match in re.finditer(r"https?://[^/\s]+(/\S+)", body):
        if part in match[1]:
            return match[1]
    raise AssertionError(body)


def _href(page: str, text: str) -> str:
    match = re.search(r'<a href="([^"]+)">' + re.escape(text), page)
    assert match, page
    return unescape(match[1])


def test_the_invitee_signs_up_from_the_link_and_accepts(
    client: Client,
    group_a: Any,
    representative_a: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(
            actor=representative_a, group=group_a, email="Umiko@example.jp", role=GroupRole.MEMBER
        )
    invitation_path = _link(mail.outbox[-1].body, "/invitations/")

    # Not signed in: the link leads to the log-in page, whose sign-up link carries it on.
    answer = client.get(invitation_path)
    assert answer.status_code == 302
    login_page = client.get(answer["Location"]).content.decode()
    sign_up_url = _href(login_page, "はじめての方")
    assert invitation_path in sign_up_url

    sign_up_page = client.get(sign_up_url).content.decode()
    assert f'name="next" value="{invitation_path}"' in sign_up_page
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            sign_up_url,
            {
                "full_name": "材木座 海子",
                "email": "umiko@example.jp",
                "password1": PASSWORD,
                "password2": PASSWORD,
                "next": invitation_path,
            },
        )
    assert sent.status_code == 302

    # The verification link (opened anywhere: it carries the way back, not the session).
    verify_path = _link(mail.outbox[-1].body, "/accounts/verify/")
    elsewhere = Client()
    verified = elsewhere.get(verify_path)
    assert verified.status_code == 302
    logged_in = elsewhere.post(
        verified["Location"], {"username": "umiko@example.jp", "password": PASSWORD}
    )
    assert logged_in.status_code == 302
    assert logged_in["Location"] == invitation_path

    page = elsewhere.get(invitation_path)
    assert "参加する" in page.content.decode()
    joined = elsewhere.post(invitation_path)
    assert joined.status_code == 302
    assert GroupMembership.objects.filter(
        group=group_a, user__email="umiko@example.jp", role=GroupRole.MEMBER
    ).exists()


def test_a_next_elsewhere_is_not_carried(client: Client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/signup/?next=https://evil.example/",
            {
                "full_name": "材木座 海子",
                "email": "umiko@example.jp",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
    verified = client.get(_link(mail.outbox[-1].body, "/accounts/verify/"))
    assert verified["Location"] == "/accounts/login/"


def test_someone_else_signed_in_is_told_whose_invitation_it_is(
    client: Client, group_a: Any, representative_a: Any, resident: Any
) -> None:
    invitation = services.invitation_create(
        actor=representative_a, group=group_a, email="umiko@example.jp", role=GroupRole.MEMBER
    )
    page = login(client, resident).get(f"/invitations/{invitation.token}/")
    assert "umiko@example.jp あて" in page.content.decode()
