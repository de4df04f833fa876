"""Every workflow registered on the engine (kyodo.core.workflow): its table is sound, random
sequences of moves by random people never leave it, every move is audited and recorded as a
domain event, and staff can read each table as a page generated from the definition."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kyodo.accounts.models import Role
from kyodo.audit.models import AuditEvent
from kyodo.core import workflow as engine
from kyodo.core.models import OutboxEvent
from kyodo.core.workflow import TransitionRefused
from kyodo.registry.models import GroupRole
from tests import factories
from tests.conftest import login
from tests.proposals import factories as pf
from tests.proposals.conftest import give_rules


def _registration(people: dict[str, Any]) -> Any:
    return factories.RegistrationApplicationFactory(group=people["group"], status="draft")


def _proposal(people: dict[str, Any]) -> Any:
    group = people["group"]
    if not group.documents.exists():
        give_rules(group, people["representative"])
    proposal = pf.ProposalFactory(call=people["call"], group=group)
    pf.balanced_budget(proposal, city=300_000, own=50_000)
    return proposal


def _theme(people: dict[str, Any]) -> Any:
    return pf.CityThemeFactory(call=people["call"], status="draft")


def _booking(people: dict[str, Any]) -> Any:
    import datetime as dt

    from django.utils import timezone

    from kyodo.booking import services as booking
    from kyodo.booking.rules import at
    from tests.booking.conftest import make_room

    day = timezone.localdate() + dt.timedelta(days=14)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return booking.booking_create(
        actor=people["representative"],
        request=booking.Request(
            room=make_room(),
            starts_at=at(day, dt.time(13)),
            ends_at=at(day, dt.time(17)),
            group=people["group"],
            purpose="定例会",
            attendees=8,
        ),
    )


def _lottery_entry(people: dict[str, Any]) -> Any:
    import datetime as dt

    from django.utils import timezone

    from kyodo.booking import services as booking
    from kyodo.booking.models import LotteryRound
    from kyodo.booking.rules import at
    from tests.booking.conftest import make_room

    room = make_room()
    today = timezone.localdate()
    lottery = LotteryRound.objects.create(
        title="抽選",
        first_day=today + dt.timedelta(days=40),
        last_day=today + dt.timedelta(days=50),
        entries_open_at=timezone.now() - dt.timedelta(days=1),
        entries_close_at=timezone.now() + dt.timedelta(days=5),
        confirm_by=timezone.now() + dt.timedelta(days=10),
    )
    lottery.rooms.add(room)
    day = today + dt.timedelta(days=41)
    return booking.lottery_enter(
        actor=people["representative"],
        lottery=lottery,
        request=booking.Request(
            room=room,
            starts_at=at(day, dt.time(18)),
            ends_at=at(day, dt.time(21, 30)),
            group=people["group"],
            purpose="抽選申込",
            attendees=8,
        ),
    )


def _survey_edition(people: dict[str, Any]) -> Any:
    from kyodo.surveys.models import Edition, Kind, Question, Survey

    survey = Survey.objects.create(title="意識調査", created_by=people["office"])
    edition = Edition.objects.create(survey=survey, fiscal_year=2025)
    Question.objects.create(edition=edition, code="Q1", text="関心", kind=Kind.TEXT)
    return edition


def _agreement(people: dict[str, Any]) -> Any:
    from kyodo.projects.services import project_create_from_proposal

    section = people["department"].role_assignments.get().section
    proposal = pf.ProposalFactory(
        call=people["call"], group=people["group"], section=section, status="adopted", years=2
    )
    pf.balanced_budget(proposal, city=300_000, own=50_000)
    project = project_create_from_proposal(proposal=proposal, actor=people["office"])
    return project.agreement


def _funding(people: dict[str, Any]) -> Any:
    from kyodo.payments.services import funding_of
    from tests.payments.conftest import grant_course, grant_project

    project = grant_project(people["office"], people["group"], grant_course())
    return funding_of(project.segments.get())


def _payment(people: dict[str, Any]) -> Any:
    from kyodo.payments.models import Payment, PaymentKind

    funding = _funding(people)
    return Payment.objects.create(funding=funding, kind=PaymentKind.ADVANCE, amount=10_000)


def _report(people: dict[str, Any]) -> Any:
    import datetime as dt

    from kyodo.projects.models import Report

    segment = _agreement(people).project.segments.get(year_index=1)
    return Report.objects.create(
        segment=segment,
        kind="results",
        due_on=dt.date(2027, 4, 30),
        activities="活動",
        outcomes="成果",
    )


def _targets(people: dict[str, Any]) -> Any:
    from kyodo.evaluation.services import scheme_of, target_plan_of, targets_update

    project = _agreement(people).project
    plan = target_plan_of(project)
    # Filled in, so that the group's submission can pass its guard.
    return targets_update(
        actor=people["representative"],
        plan=plan,
        values=dict.fromkeys(scheme_of(project).plan_fields, "目標"),
    )


def _evaluation(people: dict[str, Any]) -> Any:
    from kyodo.evaluation.services import evaluation_of

    return evaluation_of(_agreement(people).project.segments.get(year_index=1), "group")


def _budget_line(people: dict[str, Any]) -> Any:
    from kyodo.evaluation.models import BudgetRequestLine, Evaluation, YearOutcome

    segment = _agreement(people).project.segments.get(year_index=1)
    Evaluation.objects.create(segment=segment, side="group", status="submitted")
    Evaluation.objects.create(segment=segment, side="department", status="submitted")
    outcome = YearOutcome.objects.create(
        segment=segment,
        outcome="improve",
        reason="理由",
        reflection="反映",
        recorded_at=segment.project.created_at,
    )
    return BudgetRequestLine.objects.create(
        outcome=outcome,
        project=segment.project,
        fiscal_year=segment.fiscal_year + 1,
        section=segment.project.section,
        course=segment.project.course,
        amount=300_000,
        basis="根拠",
    )


# Each registered workflow names how to make a fresh record of it here: a new workflow
# without a row fails test_it_knows_how_to_make_a_record_of_every_workflow.
MAKERS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "registration": _registration,
    "proposal": _proposal,
    "theme": _theme,
    "booking": _booking,
    "lottery_entry": _lottery_entry,
    "survey_edition": _survey_edition,
    "agreement": _agreement,
    "funding": _funding,
    "payment": _payment,
    "report": _report,
    "evaluation_targets": _targets,
    "evaluation": _evaluation,
    "budget_line": _budget_line,
}
ROLES = ["representative", "member", "outsider", "office", "center", "department"]


def test_it_knows_how_to_make_a_record_of_every_workflow() -> None:
    assert {flow.key for flow in engine.workflows()} == set(MAKERS)


@pytest.mark.parametrize("flow", engine.workflows(), ids=lambda f: f.key)
def test_each_model_finds_its_workflow_and_a_records_state_is_read_from_it(
    flow: engine.Workflow[Any],
) -> None:
    model = flow.model
    assert engine.workflow_of(model) is flow
    if issubclass(model, engine.FollowsWorkflow):
        record = model(status=flow.initial)
        assert record.state is flow.states[flow.initial]


@pytest.mark.parametrize("flow", engine.workflows(), ids=lambda f: f.key)
def test_it_has_a_sound_table(flow: engine.Workflow[Any]) -> None:
    assert flow.initial in flow.states
    assert flow.reachable_states() == set(flow.states), "every state is reachable"
    for state in flow.states.values():
        assert str(state.staff_label) and str(state.group_label) and str(state.public)
        if state.final:
            assert flow.allowed_actions(state.key) == [], f"{state.key} is final"
    for t in flow.transitions.values():
        assert t.sources <= set(flow.states) and t.target in flow.states
        assert callable(t.permission)
        # A move a person starts from a page is a domain event; service-driven moves may
        # leave the event to the service that drives them.
        assert t.event or not t.by_person, f"{flow.key}.{t.action} emits no event"


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(MAKERS))
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    sequence=st.lists(
        st.tuples(
            st.sampled_from(ROLES),
            st.integers(min_value=0, max_value=50),
            st.booleans(),
            st.booleans(),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_it_never_leaves_the_table_and_audits_and_records_every_move(
    key: str, sequence: list[tuple[str, int, bool, bool]], group_a: Any
) -> None:
    flow = engine.get(key)
    actions = sorted(flow.transitions)
    section = factories.SectionFactory()
    people: dict[str, Any] = {
        "group": group_a,
        "call": pf.CallFactory(),
        "representative": factories.member(group_a, GroupRole.REPRESENTATIVE),
        "member": factories.member(group_a, GroupRole.MEMBER),
        "outsider": factories.UserFactory(roles=[Role.RESIDENT]),
        "office": factories.staff_user(Role.OFFICE),
        "center": factories.staff_user(Role.CENTER),
        "department": factories.staff_user(Role.DEPARTMENT, section=section),
    }
    record = MAKERS[key](people)
    model = type(record)
    for role, pick, with_reason, by_service in sequence:
        action = actions[pick % len(actions)]
        before = model.objects.get(pk=record.pk).status
        audits = AuditEvent.objects.filter(target_id=str(record.pk)).count()
        events = OutboxEvent.objects.count()
        try:
            flow.transition(
                actor=people[role],
                obj=record,
                action=action,
                reason="理由があります" if with_reason else "",
                by_service=by_service,
            )
        except (PermissionDenied, TransitionRefused):
            assert model.objects.get(pk=record.pk).status == before
            assert AuditEvent.objects.filter(target_id=str(record.pk)).count() == audits
            assert OutboxEvent.objects.count() == events
            continue
        after = model.objects.get(pk=record.pk).status
        transition = flow.transitions[action]
        assert before in transition.sources and after == transition.target
        assert not flow.states[before].final
        assert not transition.needs_reason or with_reason
        assert transition.by_person or by_service
        assert AuditEvent.objects.filter(
            target_id=str(record.pk),
            action=f"{flow.audit_prefix or flow.key}.{action}",
            changes__status=[before, after],
        ).exists()
        if transition.event:
            assert OutboxEvent.objects.filter(
                name=transition.event, target_id=str(record.pk), payload__action=action
            ).exists()


@pytest.mark.django_db
def test_it_shows_staff_every_workflow_as_a_page_generated_from_its_table(
    office_staff: Any, representative_a: Any
) -> None:
    client = Client()
    login(client, office_staff)
    index = client.get(reverse("portal:workflow_list")).content.decode()
    for flow in engine.workflows():
        assert str(flow.label) in index
        page = client.get(reverse("portal:workflow_detail", args=[flow.key]))
        assert page.status_code == 200
        text = page.content.decode()
        for state in flow.states.values():
            assert str(state.staff_label) in text
        for t in flow.transitions.values():
            assert str(t.label) in text
    group_client = Client()
    login(group_client, representative_a)
    assert group_client.get(reverse("portal:workflow_list")).status_code == 403
