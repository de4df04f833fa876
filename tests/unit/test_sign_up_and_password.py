"""Sign-up with e-mail verification, the password reset, and role management by administrators."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from kyodo.accounts.models import Role, RoleAssignment, User
from tests import factories

pytestmark = pytest.mark.django_db

UNVERIFIED = "メールアドレスの確認が済んでいません。届いたメールのリンクを開いてください。"


def _link(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", body)
    assert match, body
    return match[1]


def _sign_up(client: Client, capture: Any, **overrides: str) -> Any:
    data = {
        "full_name": "材木座 海子",
        "full_name_kana": "ざいもくざ うみこ",
        "email": "Umiko@Example.jp",
        "password1": "sea-breeze-at-zaimokuza",
        "password2": "sea-breeze-at-zaimokuza",
    } | overrides
    with capture(execute=True):
        return client.post("/accounts/signup/", data)


def test_it_signs_up_a_resident_and_mails_a_verification_link(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    response = _sign_up(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/signup/sent/"
    assert (
        "umiko@example.jp あてにメールを送りました"
        in client.get(response["Location"]).content.decode()
    )
    user = User.objects.get(email="umiko@example.jp")
    assert not user.email_verified
    assert user.full_name_kana == "ザイモクザ ウミコ"
    assert user.has_role(Role.RESIDENT)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["umiko@example.jp"]
    assert "メールアドレスの確認" in message.subject
    assert "/accounts/verify/" in _link(message.body)


def test_it_refuses_log_in_until_the_address_is_verified(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    _sign_up(client, django_capture_on_commit_callbacks)
    response = client.post(
        "/accounts/login/",
        {"username": "umiko@example.jp", "password": "sea-breeze-at-zaimokuza"},
    )
    assert response.status_code == 200
    assert UNVERIFIED in response.content.decode()
    assert client.get("/dashboard/").status_code == 302

    verify = client.get(_link(mail.outbox[0].body))
    assert verify.status_code == 302
    assert verify["Location"] == "/accounts/login/"
    assert User.objects.get(email="umiko@example.jp").email_verified
    response = client.post(
        "/accounts/login/",
        {"username": "umiko@example.jp", "password": "sea-breeze-at-zaimokuza"},
    )
    assert response.status_code == 302
    assert client.get("/dashboard/").status_code == 200


def test_it_refuses_a_forged_verification_link(client: Client) -> None:
    assert client.get("/accounts/verify/not-a-real-token/").status_code == 400


def test_it_keeps_what_was_typed_when_sign_up_is_refused(client: Client) -> None:
    factories.UserFactory(email="taken@example.jp")
    response = client.post(
        "/accounts/signup/",
        {
            "full_name": "長谷 光",
            "full_name_kana": "Hase",
            "email": "TAKEN@example.jp",
            "password1": "short",
            "password2": "different",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "email" not in errors  # a taken address is never revealed by the page
    assert errors["full_name_kana"] == ["ふりがなは、ひらがなまたはカタカナで入力してください。"]
    assert errors["password2"] == ["確認用のパスワードが一致しません。"]
    html = response.content.decode()
    assert 'value="長谷 光"' in html
    assert 'value="TAKEN@example.jp"' in html
    assert User.objects.count() == 1
    assert mail.outbox == []


def test_it_answers_a_taken_address_as_any_other_and_tells_its_owner_by_mail(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    owner = factories.UserFactory(email="umiko@example.jp", full_name="材木座 海子")
    fresh = _sign_up(client, django_capture_on_commit_callbacks, email="new-person@example.jp")
    mail.outbox.clear()
    taken = _sign_up(client, django_capture_on_commit_callbacks)
    # The same answer as for an address nobody uses.
    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"]
    assert User.objects.filter(email__iexact="umiko@example.jp").count() == 1
    owner.refresh_from_db()
    assert not owner.check_password("sea-breeze-at-zaimokuza")  # nothing about it changed
    # Its owner learns of it, with the ways in.
    assert [m.to for m in mail.outbox] == [["umiko@example.jp"]]
    body = mail.outbox[0].body
    assert "すでに登録されています" in body
    assert "/accounts/login/" in body and "/accounts/password-reset/" in body


def test_it_resets_a_forgotten_password_by_mail(client: Client, resident: User) -> None:
    response = client.post("/accounts/password-reset/", {"email": resident.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = _link(mail.outbox[0].body)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url,
        {"new_password1": "a-brand-new-secret-42", "new_password2": "a-brand-new-secret-42"},
    )
    assert done.status_code == 302
    assert done["Location"] == "/accounts/password-reset/complete/"
    assert (
        client.post(
            "/accounts/login/", {"username": resident.email, "password": "a-brand-new-secret-42"}
        ).status_code
        == 302
    )
    # The link works once only.
    client.logout()
    again = client.get(link, follow=True)
    assert "new_password1" not in again.content.decode()


def test_it_does_not_reveal_whether_an_address_has_an_account(client: Client) -> None:
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.jp"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert mail.outbox == []


# --- roles: administrators only ---------------------------------------------------------


def test_it_lets_an_administrator_grant_and_revoke_roles(
    as_user: Callable[[User], Client], administrator: User, resident: User
) -> None:
    client = as_user(administrator)
    assert client.get(f"/accounts/users/{resident.pk}/").status_code == 200
    response = client.post(f"/accounts/users/{resident.pk}/", {"role": Role.CENTER})
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=resident, role=Role.CENTER)
    response = client.post(f"/accounts/roles/{assignment.pk}/revoke/")
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_it_asks_for_the_section_of_department_staff(
    as_user: Callable[[User], Client], administrator: User, resident: User
) -> None:
    response = as_user(administrator).post(
        f"/accounts/users/{resident.pk}/", {"role": Role.DEPARTMENT}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["section"] == ["担当課職員には所属課を選んでください。"]
    assert not RoleAssignment.objects.filter(user=resident, role=Role.DEPARTMENT).exists()


@pytest.mark.parametrize("persona", ["center_staff", "office_staff", "resident", "member_a"])
def test_it_refuses_role_management_to_everyone_but_administrators(
    request: pytest.FixtureRequest,
    as_user: Callable[[User], Client],
    persona: str,
    resident: User,
) -> None:
    person = request.getfixturevalue(persona)
    assignment = RoleAssignment.objects.get(user=resident, role=Role.RESIDENT)
    client = as_user(person)
    reason = "利用者と役割の管理はシステム管理者だけが行えます。"
    response = client.get("/accounts/users/")
    assert response.status_code == 403 and reason in response.content.decode()
    response = client.post(f"/accounts/users/{resident.pk}/", {"role": Role.ADMIN})
    assert response.status_code == 403
    response = client.post(f"/accounts/roles/{assignment.pk}/revoke/")
    assert response.status_code == 403
    assert not RoleAssignment.objects.filter(user=resident, role=Role.ADMIN).exists()
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()
