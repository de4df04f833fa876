"""Personas shared by the whole suite: one of each role, and members of two groups."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kyodo.accounts.models import Role, User
from kyodo.registry.models import CivicGroup, GroupRole
from tests import factories


@pytest.fixture(autouse=True)
def _media_root(request: pytest.FixtureRequest, settings: Any, tmp_path: Any) -> None:
    if "shared_world" in request.fixturenames:
        return  # its files live in the world's own directory (tests/gates/conftest.py)
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache() -> Any:
    """Each test starts with an empty cache: cached counts must not leak between tests whose
    databases differ (the rollback between tests commits nothing that would invalidate them)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def resident(db: None) -> User:
    return factories.UserFactory(roles=[Role.RESIDENT], full_name="市民 一郎")


@pytest.fixture
def center_staff(db: None) -> User:
    return factories.staff_user(Role.CENTER, full_name="センター 職員")


@pytest.fixture
def office_staff(db: None) -> User:
    return factories.staff_user(Role.OFFICE, full_name="協働 担当")


@pytest.fixture
def department_staff(db: None) -> User:
    section = factories.SectionFactory(name="こども支援課")
    return factories.staff_user(Role.DEPARTMENT, section=section, full_name="担当課 職員")


@pytest.fixture
def committee_member(db: None) -> User:
    return factories.UserFactory(roles=[Role.COMMITTEE], full_name="委員 先生")


@pytest.fixture
def administrator(db: None) -> User:
    return factories.staff_user(Role.ADMIN, full_name="管理 者")


@pytest.fixture
def group_a(db: None) -> CivicGroup:
    return factories.CivicGroupFactory(registered=True, name="グループA", name_kana="ぐるーぷえー")


@pytest.fixture
def group_b(db: None) -> CivicGroup:
    return factories.CivicGroupFactory(registered=True, name="グループB", name_kana="ぐるーぷびー")


@pytest.fixture
def representative_a(group_a: CivicGroup) -> User:
    return factories.member(group_a, GroupRole.REPRESENTATIVE, full_name="代表 A")


@pytest.fixture
def member_a(group_a: CivicGroup) -> User:
    return factories.member(group_a, GroupRole.MEMBER, full_name="会員 A")


@pytest.fixture
def member_b(group_b: CivicGroup) -> User:
    return factories.member(group_b, GroupRole.REPRESENTATIVE, full_name="代表 B")


def login(client: Client, user: User) -> Client:
    """Log in, completing the second factor for staff as the middleware demands."""
    client.force_login(user)
    if user.is_city_staff:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        assert device is not None, "staff personas have a TOTP device"
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def as_user(client: Client) -> Any:
    """as_user(person) → a client logged in as that person (second factor done)."""

    def _login(user: User) -> Client:
        return login(client, user)

    return _login
