"""The registration application's state table, its one transition service and its pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core import mail
from django.test import Client
from time_machine import TimeMachineFixture

from kyodo.accounts.models import User
from kyodo.core.permissions import NotAllowed, check
from kyodo.core.workflow import TransitionRefused
from kyodo.registry import services, workflow
from kyodo.registry.models import CivicGroup, GroupRole, RegistrationApplication
from tests import factories
from tests.unit.conftest import at_noon

pytestmark = pytest.mark.django_db

# The table this test pins: (state, action) → the state it leads to, for every legal move.
LEGAL = {
    ("draft", "submit"): "submitted",
    ("returned", "submit"): "submitted",
    ("submitted", "return"): "returned",
    ("submitted", "approve"): "approved",
    ("draft", "withdraw"): "withdrawn",
    ("submitted", "withdraw"): "withdrawn",
    ("returned", "withdraw"): "withdrawn",
}
GROUP_ACTIONS = {"submit", "withdraw"}


@pytest.fixture
def new_group(db: None) -> CivicGroup:
    return factories.CivicGroupFactory(name="腰越ビーチの会", name_kana="こしごえびーちのかい")


@pytest.fixture
def rep(new_group: CivicGroup) -> User:
    return factories.member(new_group, GroupRole.REPRESENTATIVE)


def _application(
    group: CivicGroup, status: str, fiscal_year: int = 2025
) -> RegistrationApplication:
    return factories.RegistrationApplicationFactory(
        group=group, status=status, fiscal_year=fiscal_year
    )


def test_it_has_one_label_for_staff_and_one_for_the_group_per_state() -> None:
    assert set(workflow.STATES) == {"draft", "submitted", "returned", "approved", "withdrawn"}
    for state in workflow.STATES.values():
        assert str(state.staff_label) and str(state.group_label)
    assert {(s, t.action) for t in workflow.TRANSITIONS.values() for s in t.sources} == set(LEGAL)
    assert {k: t.target for k, t in workflow.TRANSITIONS.items()} == {
        "submit": "submitted",
        "return": "returned",
        "approve": "approved",
        "withdraw": "withdrawn",
    }


@pytest.mark.parametrize("state", sorted(workflow.STATES))
@pytest.mark.parametrize("action", sorted(workflow.TRANSITIONS))
def test_it_allows_exactly_the_moves_in_the_table(
    new_group: CivicGroup, rep: User, center_staff: User, state: str, action: str
) -> None:
    application = _application(new_group, state)
    actor = rep if action in GROUP_ACTIONS else center_staff
    decision = check("registry.transition", actor, (application, action))
    if (state, action) in LEGAL:
        assert decision, decision.reason
        services.application_transition(
            application=application, action=action, actor=actor, reason="理由"
        )
        application.refresh_from_db()
        assert application.status == LEGAL[(state, action)]
    else:
        assert not decision
        label = str(workflow.STATES[state].staff_label)
        assert str(decision.reason) == f"「{label}」の申請には、この操作はできません。"
        with pytest.raises(NotAllowed):
            services.application_transition(
                application=application, action=action, actor=actor, reason="理由"
            )
        application.refresh_from_db()
        assert application.status == state


def test_it_refuses_an_action_that_does_not_exist(new_group: CivicGroup, rep: User) -> None:
    application = _application(new_group, "draft")
    decision = check("registry.transition", rep, (application, "publish"))
    assert not decision and str(decision.reason) == "この操作はありません。"


def test_it_needs_a_reason_to_return(new_group: CivicGroup, center_staff: User) -> None:
    application = _application(new_group, "submitted")
    for blank in ("", "   ", "\u3000"):
        with pytest.raises(TransitionRefused) as refused:
            services.application_transition(
                application=application, action="return", actor=center_staff, reason=blank
            )
        assert refused.value.field == "reason"
    application.refresh_from_db()
    assert application.status == "submitted"


def test_it_asks_for_the_reason_next_to_the_field_on_the_review_page(
    as_user: Callable[[User], Client], new_group: CivicGroup, center_staff: User
) -> None:
    application = _application(new_group, "submitted")
    client = as_user(center_staff)
    response = client.post(
        f"/staff/registry/applications/{application.pk}/", {"action": "return", "reason": ""}
    )
    assert response.status_code == 200
    assert response.context["return_form"].errors["reason"] == ["このフィールドは必須です。"]
    application.refresh_from_db()
    assert application.status == "submitted"

    response = client.post(
        f"/staff/registry/applications/{application.pk}/",
        {"action": "return", "reason": "会則の写しを添付してください"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "returned"
    assert application.return_reason == "会則の写しを添付してください"


def test_it_does_not_return_without_a_reason_through_the_group_action_url(
    as_user: Callable[[User], Client], new_group: CivicGroup, center_staff: User
) -> None:
    application = _application(new_group, "submitted")
    response = as_user(center_staff).post(f"/my/applications/{application.pk}/return/")
    assert response.status_code == 302
    assert response["Location"] == f"/staff/registry/applications/{application.pk}/"
    application.refresh_from_db()
    assert application.status == "submitted"


def test_it_shows_the_return_reason_to_the_group(
    as_user: Callable[[User], Client], new_group: CivicGroup, rep: User, center_staff: User
) -> None:
    application = _application(new_group, "submitted")
    services.application_transition(
        application=application, action="return", actor=center_staff, reason="役員名簿が必要です"
    )
    page = as_user(rep).get(f"/my/groups/{new_group.pk}/").content.decode()
    assert "役員名簿が必要です" in page
    assert "差戻し（修正して再申請してください）" in page


def test_it_assigns_the_next_registration_number_and_31_march_on_approval(
    center_staff: User, time_machine: TimeMachineFixture
) -> None:
    time_machine.move_to(at_noon(dt.date(2025, 6, 1)), tick=False)
    factories.CivicGroupFactory(
        registration_number="2025-0009", registered_until=dt.date(2026, 3, 31)
    )
    factories.CivicGroupFactory(
        registration_number="2024-0031", registered_until=dt.date(2025, 3, 31)
    )
    first, second = factories.CivicGroupFactory(), factories.CivicGroupFactory()
    for group, expected in ((first, "2025-0010"), (second, "2025-0011")):
        application = _application(group, "submitted", fiscal_year=2025)
        services.application_transition(
            application=application, action="approve", actor=center_staff
        )
        group.refresh_from_db()
        assert group.registration_number == expected
        assert group.registered_until == dt.date(2026, 3, 31)
        assert group.first_registered_on == dt.date(2025, 6, 1)
        application.refresh_from_db()
        assert application.decided_by == center_staff
        assert application.decided_at is not None


def test_it_numbers_the_first_group_of_a_year_0001(
    center_staff: User, new_group: CivicGroup
) -> None:
    application = _application(new_group, "submitted", fiscal_year=2030)
    services.application_transition(application=application, action="approve", actor=center_staff)
    new_group.refresh_from_db()
    assert new_group.registration_number == "2030-0001"
    assert new_group.registered_until == dt.date(2031, 3, 31)


def test_it_freezes_a_snapshot_on_submission(
    new_group: CivicGroup, rep: User, center_staff: User
) -> None:
    application = _application(new_group, "draft")
    services.application_transition(application=application, action="submit", actor=rep)
    application.refresh_from_db()
    assert application.snapshot["name"] == "腰越ビーチの会"
    assert application.snapshot["founded_on"] == "2015-04-01"
    assert application.snapshot["fields"] == [13]
    assert application.submitted_at is not None

    # Later edits to the group do not change what was submitted.
    data = services.group_profile(new_group) | {"name": "腰越ビーチクラブ", "area": new_group.area}
    services.group_update(
        actor=rep, group=new_group, data=data, fields=new_group.fields.all(), expected_version=1
    )
    application.refresh_from_db()
    assert application.snapshot["name"] == "腰越ビーチの会"
    review = _review_page(center_staff, application)
    assert "腰越ビーチの会" in review


def _review_page(staff: User, application: RegistrationApplication) -> str:
    from tests.conftest import login

    return (
        login(Client(), staff)
        .get(f"/staff/registry/applications/{application.pk}/")
        .content.decode()
    )


def test_it_tells_center_staff_of_a_submission_and_the_group_of_the_decision(
    new_group: CivicGroup,
    rep: User,
    center_staff: User,
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    application = _application(new_group, "draft")
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        services.application_transition(application=application, action="submit", actor=rep)
    assert [m.to for m in mail.outbox] == [[center_staff.email]]
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
        services.application_transition(
            application=application, action="approve", actor=center_staff
        )
    decision_mail = mail.outbox[1:]
    assert sorted(m.to[0] for m in decision_mail) == sorted([rep.email, new_group.email])
    assert all(len(m.to) == 1 and "承認" in m.subject for m in decision_mail)


def test_it_refuses_submission_by_a_member_who_is_not_the_representative(
    as_user: Callable[[User], Client], new_group: CivicGroup, rep: User
) -> None:
    member = factories.member(new_group, GroupRole.MEMBER)
    application = _application(new_group, "draft")
    decision = check("registry.transition", member, (application, "submit"))
    assert not decision and str(decision.reason) == "申請・取下げは団体の代表者が行います。"
    response = as_user(member).post(f"/my/applications/{application.pk}/submit/")
    assert response.status_code == 403
    assert "申請・取下げは団体の代表者が行います。" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "draft"
    # The member's page offers no submit button either.
    page = as_user(member).get(f"/my/groups/{new_group.pk}/").content.decode()
    assert f"/my/applications/{application.pk}/submit/" not in page


def test_it_lets_the_representative_submit_through_the_page(
    as_user: Callable[[User], Client], new_group: CivicGroup, rep: User
) -> None:
    application = _application(new_group, "draft")
    client = as_user(rep)
    assert (
        f"/my/applications/{application.pk}/submit/"
        in client.get(f"/my/groups/{new_group.pk}/").content.decode()
    )
    # The button asks first (no JavaScript needed); nothing changes until confirmed.
    asked = client.post(f"/my/applications/{application.pk}/submit/")
    assert asked.status_code == 200
    assert "この内容で登録を申請しますか" in asked.content.decode()
    assert 'name="confirmed" value="yes"' in asked.content.decode()
    application.refresh_from_db()
    assert application.status == "draft"
    confirmed = client.post(f"/my/applications/{application.pk}/submit/", {"confirmed": "yes"})
    assert confirmed.status_code == 302
    application.refresh_from_db()
    assert application.status == "submitted"


@pytest.mark.parametrize(
    "persona", ["resident", "member_a", "department_staff", "committee_member"]
)
def test_it_refuses_review_to_anyone_but_center_and_office_staff(
    request: pytest.FixtureRequest,
    as_user: Callable[[User], Client],
    new_group: CivicGroup,
    persona: str,
) -> None:
    person = request.getfixturevalue(persona)
    application = _application(new_group, "submitted")
    client = as_user(person)
    assert client.get("/staff/registry/applications/").status_code == 403
    response = client.get(f"/staff/registry/applications/{application.pk}/")
    assert response.status_code == 403
    assert "登録申請の審査は" in response.content.decode()
    response = client.post(f"/staff/registry/applications/{application.pk}/", {"action": "approve"})
    assert response.status_code == 403
    assert client.post(f"/my/applications/{application.pk}/approve/").status_code == 403
    application.refresh_from_db()
    assert application.status == "submitted"


def test_it_lets_center_and_office_staff_approve_from_the_review_page(
    as_user: Callable[[User], Client], new_group: CivicGroup, office_staff: User
) -> None:
    application = _application(new_group, "submitted")
    client = as_user(office_staff)
    assert client.get(f"/staff/registry/applications/{application.pk}/").status_code == 200
    response = client.post(f"/staff/registry/applications/{application.pk}/", {"action": "approve"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "approved"
