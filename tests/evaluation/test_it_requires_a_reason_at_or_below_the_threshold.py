"""A written reason is required at or below the programme's threshold (Kamakura: 2 needs
one, 3 does not), when the draft is saved and when it is submitted; the threshold is the
programme's data."""

from __future__ import annotations

from typing import Any

import pytest

from kyodo.core.errors import DomainError
from kyodo.core.workflow import TransitionRefused
from kyodo.evaluation import rules, services
from kyodo.projects.models import Project
from tests.evaluation.conftest import write

pytestmark = pytest.mark.django_db


def test_the_rule_at_the_boundary() -> None:
    assert rules.needs_reason(2, at_or_below=2)
    assert rules.needs_reason(1, at_or_below=2)
    assert not rules.needs_reason(3, at_or_below=2)
    assert not rules.needs_reason(None, at_or_below=2)


def test_a_two_without_a_reason_is_refused_at_its_field_and_a_three_is_not(
    project: Project, representative_a: Any
) -> None:
    segment = project.segments.get(year_index=1)
    progress = services.scheme_of(project).axes.get(key="progress")
    with pytest.raises(DomainError) as refused:
        write(segment, "group", representative_a, {"progress": 2}, submit=False)
    assert f"reason_{progress.pk}" in refused.value.errors
    evaluation = write(segment, "group", representative_a, {"progress": 3})
    assert evaluation.status == "submitted"
    assert evaluation.scores.get(axis=progress).reason == ""


def test_a_two_with_its_reason_is_submitted(project: Project, representative_a: Any) -> None:
    segment = project.segments.get(year_index=1)
    evaluation = write(
        segment, "group", representative_a, {"progress": 2}, {"progress": "会場の確保が遅れた"}
    )
    assert evaluation.status == "submitted" and evaluation.submitted_at is not None


def test_an_unscored_axis_cannot_be_submitted(project: Project, department_staff: Any) -> None:
    segment = project.segments.get(year_index=1)
    evaluation = services.evaluation_of(segment, "department")
    with pytest.raises(TransitionRefused, match="評価してから"):
        services.evaluation_transition(
            actor=department_staff, evaluation=evaluation, action="submit"
        )


def test_the_threshold_is_the_programmes_setting(project: Project, representative_a: Any) -> None:
    scheme = services.scheme_of(project)
    scheme.reason_at_or_below = 3
    scheme.save(update_fields=["reason_at_or_below"])
    segment = project.segments.get(year_index=1)
    with pytest.raises(DomainError):
        write(segment, "group", representative_a, {"progress": 3}, submit=False)
