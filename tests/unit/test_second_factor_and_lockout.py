"""Staff log in with a password and then a TOTP code; repeated failures lock an account."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from kyodo.accounts.models import Role, User
from kyodo.audit.models import AuditEvent
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice, shift: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + shift * device.step
    return f"{totp.token():0{device.digits}d}"


def _wrong_code(device: TOTPDevice) -> str:
    near = {_code(device, shift) for shift in range(-2, 3)}
    return next(c for c in ("000000", "111111", "123456", "654321") if c not in near)


def _log_in(client: Client, user: User, password: str = PASSWORD) -> object:
    return client.post("/accounts/login/", {"username": user.email, "password": password})


def test_it_sends_a_staff_member_to_the_second_factor_for_every_page(
    client: Client, center_staff: User
) -> None:
    assert _log_in(client, center_staff).status_code == 302
    for path in ("/dashboard/", "/groups/", "/staff/registry/", "/accounts/me/", "/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == f"/accounts/otp/verify/?next={path}"
    page = client.get("/accounts/otp/verify/?next=/staff/registry/")
    assert page.status_code == 200
    assert "確認コード" in page.content.decode()


def test_it_lets_a_staff_member_in_after_a_valid_code(client: Client, center_staff: User) -> None:
    _log_in(client, center_staff)
    device = TOTPDevice.objects.get(user=center_staff)
    response = client.post(
        "/accounts/otp/verify/", {"token": _code(device), "next": "/staff/registry/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/staff/registry/"
    assert client.get("/staff/registry/").status_code == 200
    assert client.get("/dashboard/").status_code == 200


def test_it_refuses_a_wrong_code_with_the_message_next_to_the_field(
    client: Client, center_staff: User
) -> None:
    _log_in(client, center_staff)
    device = TOTPDevice.objects.get(user=center_staff)
    response = client.post("/accounts/otp/verify/", {"token": _wrong_code(device), "next": "/"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["token"] == ["確認コードが正しくないか、有効期限が切れています。"]
    html = response.content.decode()
    # The message is tied to the field for screen readers.
    assert '<ul class="errorlist" id="id_token_error"><li>確認コードが正しくないか' in html
    assert 'aria-describedby="id_token_error"' in html
    # Still not in.
    assert client.get("/dashboard/").status_code == 302


def test_it_refuses_a_code_that_is_not_six_digits(client: Client, center_staff: User) -> None:
    _log_in(client, center_staff)
    response = client.post("/accounts/otp/verify/", {"token": "12ab", "next": "/"})
    assert response.context["form"].errors["token"] == ["6桁の数字を入力してください。"]


def test_it_accepts_a_code_typed_in_full_width_digits(client: Client, center_staff: User) -> None:
    _log_in(client, center_staff)
    device = TOTPDevice.objects.get(user=center_staff)
    full_width = _code(device).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    response = client.post("/accounts/otp/verify/", {"token": full_width, "next": "/dashboard/"})
    assert response.status_code == 302
    assert client.get("/dashboard/").status_code == 200


def test_it_does_not_follow_a_next_link_to_another_site(client: Client, center_staff: User) -> None:
    _log_in(client, center_staff)
    device = TOTPDevice.objects.get(user=center_staff)
    response = client.post(
        "/accounts/otp/verify/", {"token": _code(device), "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"


def test_it_sends_staff_without_a_device_to_set_one_up(client: Client) -> None:
    newcomer = factories.staff_user(Role.OFFICE, totp=False)
    _log_in(client, newcomer)
    response = client.get("/dashboard/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/otp/setup/")
    page = response.content.decode()
    assert "data:image/svg+xml;base64," in page  # the QR code, inline, no external service

    device = TOTPDevice.objects.get(user=newcomer, confirmed=False)
    wrong = client.post("/accounts/otp/setup/", {"token": _wrong_code(device), "next": "/"})
    assert "確認コードが正しくありません" in wrong.context["form"].errors["token"][0]
    device.refresh_from_db()
    device.throttle_reset()  # the wrong try throttles the next one for a second

    response = client.post("/accounts/otp/setup/", {"token": _code(device), "next": "/dashboard/"})
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/dashboard/").status_code == 200
    assert AuditEvent.objects.filter(
        action="user.totp_confirm", target_id=str(newcomer.pk)
    ).exists()


def test_it_does_not_ask_residents_for_a_second_factor(client: Client, resident: User) -> None:
    assert _log_in(client, resident).status_code == 302
    assert client.get("/dashboard/").status_code == 200
    assert client.get("/accounts/me/").status_code == 200


def test_it_locks_an_account_after_repeated_failed_log_ins(client: Client, resident: User) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    for _attempt in range(limit - 1):
        response = _log_in(client, resident, "wrong-password")
        assert response.status_code == 200
        assert "メールアドレスまたはパスワードが正しくありません。" in response.content.decode()
    response = _log_in(client, resident, "wrong-password")
    assert response.status_code == 429
    assert "ログインを一時停止しています" in response.content.decode()
    # Even the right password is refused while locked.
    response = _log_in(client, resident)
    assert response.status_code == 429
    assert "ログインを一時停止しています" in response.content.decode()
    assert client.get("/dashboard/").status_code == 302


def test_it_logs_in_a_resident_with_the_right_password_before_the_limit(
    client: Client, resident: User
) -> None:
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 2):
        _log_in(client, resident, "wrong-password")
    assert _log_in(client, resident).status_code == 302
    assert client.get("/dashboard/").status_code == 200


def _fail_from(client: Client, email: str, times: int = 1) -> None:
    for _attempt in range(times):
        client.post("/accounts/login/", {"username": email, "password": "wrong-password"})


def test_it_never_locks_others_out_with_failures_under_made_up_addresses(
    client: Client, resident: User
) -> None:
    # One office NAT: five people mistype addresses that do not exist.
    for n in range(settings.AXES_FAILURE_LIMIT):
        _fail_from(client, f"nobody{n}@example.jp")
    assert _log_in(client, resident).status_code == 302


def test_it_throttles_an_address_with_many_failures_but_lets_a_correct_password_in(
    resident: User,
) -> None:
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT - 1):
        _fail_from(attacker, f"guess{n}@example.jp")
    # Under the limit a wrong password gets the ordinary answer.
    other = factories.UserFactory(email="other@example.jp")
    response = _log_in(attacker, other, "wrong-password")
    assert response.status_code == 200
    assert "メールアドレスまたはパスワードが正しくありません。" in response.content.decode()
    # Now at the limit: a new guess at a fresh account is refused, with the reason in words.
    victim = factories.UserFactory(email="victim@example.jp")
    response = _log_in(attacker, victim, "wrong-password")
    assert response.status_code == 429
    assert "このネットワークからのログインの失敗が続いているため" in response.content.decode()
    # ... and the account that failed stays refused from here, even with its password.
    assert _log_in(attacker, victim).status_code == 429
    assert _log_in(attacker, other).status_code == 429
    # A correct password for an account that never failed still opens it from the address.
    assert _log_in(attacker, resident).status_code == 302
    assert attacker.get("/dashboard/").status_code == 200
    # From another address, the victim (one failure, far from its lock-out) logs in.
    assert _log_in(Client(REMOTE_ADDR="198.51.100.7"), victim).status_code == 302
