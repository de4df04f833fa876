"""Writes about people: sign-up, e-mail verification, roles, second factors."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import make_password
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_noop
from django_otp.plugins.otp_totp.models import TOTPDevice

from kyodo.accounts.models import Division, Role, RoleAssignment, Section, User
from kyodo.audit.services import audit_record, diff
from kyodo.core.events import mail_subject, notify, people
from kyodo.core.permissions import authorize

EMAIL_TOKEN_SALT = "kyodo.accounts.verify-email"  # noqa: S105 (a salt, not a secret)
EMAIL_TOKEN_MAX_AGE = 60 * 60 * 24 * 3


def email_token_make(user: User, *, next_path: str = "") -> str:
    """The verification link's token. It carries where the person was going when they
    signed up (an invitation's page, say): the link may be opened in another browser, so
    the session cannot remember it."""
    data = {"u": user.pk, "e": user.email}
    if next_path:
        data["n"] = next_path
    return signing.dumps(data, salt=EMAIL_TOKEN_SALT)


def email_token_read(token: str) -> User | None:
    return email_token_read_with_next(token)[0]


def email_token_read_with_next(token: str) -> tuple[User | None, str]:
    try:
        data = signing.loads(token, salt=EMAIL_TOKEN_SALT, max_age=EMAIL_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None, ""
    user = User.objects.filter(pk=data.get("u"), email=data.get("e")).first()
    return user, str(data.get("n", "")) if user else ""


@transaction.atomic
def user_sign_up(
    *, email: str, password: str, full_name: str, full_name_kana: str = "", next_path: str = ""
) -> User | None:
    """Create a resident's account, or tell the owner of a taken address by mail.

    The caller answers the same either way, so that sign-up does not reveal who has an
    account (the password reset does not either).
    """
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        make_password(password)  # the same work as a new account, so timing tells nothing
        audit_record(actor=None, action="user.sign_up_existing", target=existing)
        notify(
            to=[people(existing)],
            subject=mail_subject(gettext_noop("【協働】利用登録のお申し込みについて")),
            template="accounts/email/already_registered.txt",
            context={
                "user": existing,
                "login_path": reverse("accounts:login"),
                "reset_path": reverse("accounts:password_reset"),
            },
        )
        return None
    user = User.objects.create_user(
        email=email, password=password, full_name=full_name, full_name_kana=full_name_kana
    )
    RoleAssignment.objects.create(user=user, role=Role.RESIDENT)
    audit_record(actor=user, action="user.sign_up", target=user)
    notify(
        to=[people(user)],
        subject=mail_subject(gettext_noop("【協働】メールアドレスの確認")),
        template="accounts/email/verify.txt",
        context={
            "user": user,
            "path": reverse(
                "accounts:verify_email", args=[email_token_make(user, next_path=next_path)]
            ),
        },
    )
    return user


@transaction.atomic
def user_verify_email(*, user: User) -> User:
    if not user.email_verified:
        user.email_verified = True
        user.save(update_fields=["email_verified"])
        audit_record(actor=user, action="user.verify_email", target=user)
    return user


@transaction.atomic
def role_grant(
    *, actor: User, user: User, role: str, section: Section | None = None
) -> RoleAssignment:
    if role == Role.DEPARTMENT and section is None:
        raise ValueError("department staff belong to a section")
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, section=section if role == Role.DEPARTMENT else None
    )
    if created:
        audit_record(
            actor=actor,
            action="role.grant",
            target=user,
            changes={"role": [None, str(assignment)]},
        )
    return assignment


@transaction.atomic
def role_revoke(*, actor: User, assignment: RoleAssignment) -> None:
    user = assignment.user
    label = str(assignment)
    assignment.delete()
    audit_record(actor=actor, action="role.revoke", target=user, changes={"role": [label, None]})


def totp_device_for_setup(*, user: User) -> TOTPDevice:
    """The unconfirmed device a person is setting up (created once, reused on reload)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, user: User, device: TOTPDevice) -> None:
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    audit_record(actor=user, action="user.totp_confirm", target=user)


@transaction.atomic
def totp_device_reset(*, actor: User, user: User) -> None:
    """An administrator clears a lost authenticator; the person sets up a new one."""
    TOTPDevice.objects.filter(user=user).delete()
    audit_record(actor=actor, action="user.totp_reset", target=user)


# --- the city's organisation: 部 (Division) and 課 (Section) ----------------------------------

DIVISION_FIELDS = ("name", "order", "retired")
SECTION_FIELDS = ("division", "name", "email", "phone", "order", "retired")


def _values(obj: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {
        name: str(getattr(obj, name)) if name == "division" else getattr(obj, name)
        for name in names
    }


@transaction.atomic
def division_save(*, actor: User, division: Division | None, data: dict[str, Any]) -> Division:
    """Add a 部, or rename, reorder or retire one (retired: kept for old records, offered
    for nothing new)."""
    authorize(actor, "accounts.manage_organisation")
    if division is None:
        division = Division()
        before: dict[str, Any] = {}
    else:
        division = Division.objects.select_for_update().get(pk=division.pk)
        before = _values(division, DIVISION_FIELDS)
    for name in DIVISION_FIELDS:
        if name in data:
            setattr(division, name, data[name])
    division.save()
    changes = diff(before, _values(division, DIVISION_FIELDS))
    if changes:
        action = "division.update" if before else "division.create"
        audit_record(actor=actor, action=action, target=division, changes=changes)
    return division


@transaction.atomic
def section_save(*, actor: User, section: Section | None, data: dict[str, Any]) -> Section:
    """Add a 課, or rename, move, reorder or retire one."""
    authorize(actor, "accounts.manage_organisation")
    if section is None:
        section = Section()
        before: dict[str, Any] = {}
    else:
        section = Section.objects.select_for_update().get(pk=section.pk)
        before = _values(section, SECTION_FIELDS)
    for name in SECTION_FIELDS:
        if name in data:
            setattr(section, name, data[name])
    section.save()
    changes = diff(before, _values(section, SECTION_FIELDS))
    if changes:
        action = "section.update" if before else "section.create"
        audit_record(actor=actor, action=action, target=section, changes=changes)
    return section
