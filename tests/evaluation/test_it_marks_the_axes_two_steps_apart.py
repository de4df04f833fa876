"""The side-by-side view marks, in words, the axes on which the group and the department
differ by two steps or more (1 is not marked, 2 is); those axes, and only those, are the
agenda of the mutual review meeting, and the agenda follows the evaluations."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kyodo.evaluation import rules, selectors, services
from kyodo.projects.models import Project
from tests.conftest import login
from tests.evaluation.conftest import write

pytestmark = pytest.mark.django_db


def test_the_rule_one_step_is_not_marked_two_steps_are() -> None:
    assert not rules.differs(3, 4, steps=2)
    assert rules.differs(2, 4, steps=2)
    assert rules.differs(5, 1, steps=2)
    assert not rules.differs(None, 4, steps=2)
    assert rules.marked_axes({"a": 3, "b": 2, "c": 5}, {"a": 4, "b": 4, "c": 3}, steps=2) == [
        "b",
        "c",
    ]


def _both(segment: Any, rep: Any, dept: Any) -> None:
    # synergy 4 vs 3 (1 step), progress 2 vs 4 (2 steps), outcome 5 vs 2 (3 steps).
    write(
        segment,
        "group",
        rep,
        {"synergy": 4, "progress": 2, "outcome": 5},
        {"progress": "会場が遠かった"},
    )
    write(
        segment,
        "department",
        dept,
        {"synergy": 3, "progress": 4, "outcome": 2},
        {"outcome": "費用がかかりすぎた"},
    )


def test_the_agenda_is_the_axes_two_steps_apart(
    project: Project, representative_a: Any, department_staff: Any, office_staff: Any
) -> None:
    segment = project.segments.get(year_index=1)
    assert selectors.agenda_of(segment) == []
    _both(segment, representative_a, department_staff)
    agenda = selectors.agenda_of(segment)
    assert [(row.axis.key, row.apart) for row in agenda] == [("progress", 2), ("outcome", 3)]

    client = Client()
    login(client, office_staff)
    page = client.get(reverse("evaluation:project", args=[project.pk])).content.decode()
    # Marked in words, once per differing axis, not by colour alone.
    assert page.count("要協議（相互評価会議の議題）") == 2
    assert "1段階" in page


def test_the_agenda_follows_the_evaluations(
    project: Project, representative_a: Any, department_staff: Any, office_staff: Any
) -> None:
    segment = project.segments.get(year_index=1)
    _both(segment, representative_a, department_staff)
    # The office returns the department's evaluation; the department rescores outcome 4.
    department = services.evaluation_of(segment, "department")
    services.evaluation_transition(
        actor=office_staff, evaluation=department, action="reopen", reason="再確認してください"
    )
    assert selectors.agenda_of(segment) == []  # a draft takes no part
    write(segment, "department", department_staff, {"synergy": 3, "progress": 4, "outcome": 4})
    assert [row.axis.key for row in selectors.agenda_of(segment)] == ["progress"]

    meeting = services.meeting_record(
        actor=department_staff,
        segment=segment,
        held_on=timezone.localdate() - dt.timedelta(days=3),
        attendees="団体代表、担当課長、協働担当課",
        discussions={"progress": "会場を駅の近くに移す", "outcome": "議題ではない"},
        conclusion="改善して継続",
    )
    assert meeting.discussions == {"progress": "会場を駅の近くに移す"}
