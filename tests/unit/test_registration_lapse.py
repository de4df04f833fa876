"""Registration lapses at the end of 31 March; group-only rights go with it; renewal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from time_machine import TimeMachineFixture

from kyodo.accounts.models import User
from kyodo.core.permissions import check
from kyodo.registry import services
from kyodo.registry.models import ApplicationKind, CivicGroup, GroupRole, RegistrationApplication
from tests import factories
from tests.unit.conftest import at_noon

pytestmark = pytest.mark.django_db

FY = 2025
LAST_DAY = dt.date(FY + 1, 3, 31)
FIRST_DAY_AFTER = dt.date(FY + 1, 4, 1)


@pytest.fixture
def group_fy(db: None) -> CivicGroup:
    """Registered for FY2025 (number 2025-0007), so valid until 2026-03-31."""
    return factories.CivicGroupFactory(
        name="由比ガ浜クリーン隊",
        name_kana="ゆいがはまくりーんたい",
        registration_number=f"{FY}-0007",
        first_registered_on=dt.date(FY, 5, 1),
        registered_until=dt.date(FY + 1, 3, 31),
    )


@pytest.fixture
def rep(group_fy: CivicGroup) -> User:
    return factories.member(group_fy, GroupRole.REPRESENTATIVE, full_name="由比 代表")


@pytest.fixture
def plain_member(group_fy: CivicGroup) -> User:
    return factories.member(group_fy, GroupRole.MEMBER, full_name="由比 会員")


def test_it_is_registered_through_31_march_and_lapsed_on_1_april(group_fy: CivicGroup) -> None:
    assert group_fy.is_registered(dt.date(FY, 4, 1))
    assert group_fy.is_registered(LAST_DAY)
    assert not group_fy.is_lapsed(LAST_DAY)
    assert not group_fy.is_registered(FIRST_DAY_AFTER)
    assert group_fy.is_lapsed(FIRST_DAY_AFTER)


def test_it_is_neither_registered_nor_lapsed_before_first_approval() -> None:
    group = factories.CivicGroupFactory()
    assert not group.is_registered(LAST_DAY)
    assert not group.is_lapsed(LAST_DAY)


def test_it_drops_a_lapsed_group_from_the_public_directory_on_1_april(
    client: Client, group_fy: CivicGroup, time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to(at_noon(LAST_DAY), tick=False)
    assert "由比ガ浜クリーン隊" in [g.name for g in client.get("/groups/").context["page"]]
    assert "由比ガ浜クリーン隊" in client.get("/groups/export.csv").content.decode("utf-8-sig")
    assert client.get(f"/groups/{group_fy.pk}/").status_code == 200

    time_machine.move_to(at_noon(FIRST_DAY_AFTER), tick=False)
    assert "由比ガ浜クリーン隊" not in [g.name for g in client.get("/groups/").context["page"]]
    assert "由比ガ浜クリーン隊" not in client.get("/groups/export.csv").content.decode("utf-8-sig")


def test_it_refuses_the_public_page_of_a_lapsed_group_with_the_reason(
    as_user: Callable[[User], Client],
    resident: User,
    group_fy: CivicGroup,
    time_machine: TimeMachineFixture,
) -> None:
    time_machine.move_to(at_noon(FIRST_DAY_AFTER), tick=False)
    response = as_user(resident).get(f"/groups/{group_fy.pk}/")
    assert response.status_code == 403
    assert "この団体は現在、公開されていません。" in response.content.decode()


def test_it_marks_lapsed_groups_for_staff(
    as_user: Callable[[User], Client],
    center_staff: User,
    group_fy: CivicGroup,
    time_machine: TimeMachineFixture,
) -> None:
    client = as_user(center_staff)
    time_machine.move_to(at_noon(LAST_DAY), tick=False)
    assert [
        g.name for g in client.get("/staff/registry/", {"status": "lapsed"}).context["page"]
    ] == []
    page = client.get("/staff/registry/").content.decode()
    assert "失効" not in page.split("<tbody>")[1]

    time_machine.move_to(at_noon(FIRST_DAY_AFTER), tick=False)
    lapsed = client.get("/staff/registry/", {"status": "lapsed"})
    assert [g.name for g in lapsed.context["page"]] == ["由比ガ浜クリーン隊"]
    assert "失効" in lapsed.content.decode().split("<tbody>")[1]
    registered = client.get("/staff/registry/", {"status": "registered"})
    assert [g.name for g in registered.context["page"]] == []
    # Staff still open the lapsed group's page.
    assert client.get(f"/groups/{group_fy.pk}/").status_code == 200
    assert "登録失効" in client.get(f"/groups/{group_fy.pk}/").content.decode()


def test_it_takes_group_only_rights_away_on_1_april_with_the_lapse_reason(
    plain_member: User, rep: User, group_fy: CivicGroup, time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to(at_noon(LAST_DAY), tick=False)
    assert check("registry.act_for_group", plain_member, group_fy)
    assert check("registry.act_for_group", rep, group_fy)

    time_machine.move_to(at_noon(FIRST_DAY_AFTER), tick=False)
    for person in (plain_member, rep):
        decision = check("registry.act_for_group", person, group_fy)
        assert not decision
        assert "失効" in str(decision.reason)
        assert "更新" in str(decision.reason)


def test_it_refuses_group_only_rights_to_outsiders_and_to_unapproved_groups(
    resident: User, time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to(at_noon(LAST_DAY), tick=False)
    pending = factories.CivicGroupFactory()
    member = factories.member(pending, GroupRole.REPRESENTATIVE)
    assert "まだ承認されていません" in str(check("registry.act_for_group", member, pending).reason)
    assert "メンバーではありません" in str(
        check("registry.act_for_group", resident, pending).reason
    )


def test_it_lets_the_representative_renew_a_lapsed_group_for_the_current_year(
    as_user: Callable[[User], Client],
    rep: User,
    center_staff: User,
    group_fy: CivicGroup,
    time_machine: TimeMachineFixture,
) -> None:
    time_machine.move_to(at_noon(dt.date(FY + 1, 4, 10)), tick=False)
    client = as_user(rep)
    my_page = client.get(f"/my/groups/{group_fy.pk}/").content.decode()
    assert "失効しました" in my_page
    assert f"/my/groups/{group_fy.pk}/renew/" in my_page

    response = client.post(f"/my/groups/{group_fy.pk}/renew/")
    assert response.status_code == 302
    application = RegistrationApplication.objects.get(group=group_fy)
    assert application.kind == ApplicationKind.RENEWAL
    assert application.fiscal_year == FY + 1
    assert application.status == "draft"

    # Pre-filled: the edit form opens with last year's content.
    form = client.get(f"/my/groups/{group_fy.pk}/edit/").context["form"]
    assert form.initial["name"] == "由比ガ浜クリーン隊"
    assert form.initial["representative_name"] == group_fy.representative_name

    services.application_transition(application=application, action="submit", actor=rep)
    services.application_transition(application=application, action="approve", actor=center_staff)
    group_fy.refresh_from_db()
    assert group_fy.registration_number == f"{FY}-0007"  # the number is kept
    assert group_fy.registered_until == dt.date(FY + 2, 3, 31)
    assert group_fy.is_registered(dt.date(FY + 1, 4, 10))
    assert check("registry.act_for_group", rep, group_fy)


def test_it_renews_for_the_next_year_when_started_in_march_while_still_registered(
    as_user: Callable[[User], Client],
    rep: User,
    center_staff: User,
    group_fy: CivicGroup,
    time_machine: TimeMachineFixture,
) -> None:
    time_machine.move_to(at_noon(dt.date(FY + 1, 3, 15)), tick=False)
    assert as_user(rep).post(f"/my/groups/{group_fy.pk}/renew/").status_code == 302
    application = RegistrationApplication.objects.get(group=group_fy)
    assert application.fiscal_year == FY + 1
    services.application_transition(application=application, action="submit", actor=rep)
    services.application_transition(application=application, action="approve", actor=center_staff)
    group_fy.refresh_from_db()
    assert group_fy.registered_until == dt.date(FY + 2, 3, 31)
    # Registered without a gap across the year end.
    assert group_fy.is_registered(LAST_DAY)
    assert group_fy.is_registered(FIRST_DAY_AFTER)


def test_it_refuses_a_second_renewal_while_one_is_open_and_renewal_by_plain_members(
    as_user: Callable[[User], Client],
    rep: User,
    plain_member: User,
    group_fy: CivicGroup,
    time_machine: TimeMachineFixture,
) -> None:
    time_machine.move_to(at_noon(FIRST_DAY_AFTER), tick=False)
    decision = check("registry.start_renewal", plain_member, group_fy)
    assert not decision and "代表者" in str(decision.reason)
    services.renewal_start(actor=rep, group=group_fy)
    decision = check("registry.start_renewal", rep, group_fy)
    assert not decision and "手続き中" in str(decision.reason)
    response = as_user(rep).post(f"/my/groups/{group_fy.pk}/renew/")
    assert response.status_code == 403
    assert "手続き中の申請があります" in response.content.decode()
    assert RegistrationApplication.objects.filter(group=group_fy).count() == 1
