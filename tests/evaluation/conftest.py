"""A project to evaluate, as the city makes one (tests/projects/conftest.py: a 協働コース
proposal adopted with conditions and made final), with helpers that walk its agreement to
the conclusion and write each side's evaluation through the real services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kyodo.accounts.models import User
from kyodo.evaluation import services
from kyodo.evaluation.models import Evaluation
from kyodo.projects import services as projects
from kyodo.projects.models import Project, ProjectYear
from kyodo.registry.models import CivicGroup
from tests.gates.conftest import PDF_BYTES
from tests.projects.conftest import adopted, make_final, section_of, walk_to_confirming

# Kamakura's axes (programmes/data/kamakura.toml [evaluation]), in order.
AXES = ("synergy", "progress", "method", "satisfaction", "outcome")


@pytest.fixture
def project(office_staff: User, group_a: CivicGroup, department_staff: User) -> Project:
    """Three years of 協働コース: the city's part 400,000 / 300,000 / 200,000 and the group's
    100,000 a year (tests/projects/conftest.py adopted)."""
    return make_final(office_staff, adopted(office_staff, group_a, section_of(department_staff)))


def conclude(project: Project, rep: User, dept: User, office: User) -> Any:
    agreement = walk_to_confirming(project, rep, dept)
    projects.agreement_transition(actor=rep, agreement=agreement, action="confirm_group")
    projects.agreement_transition(actor=dept, agreement=agreement, action="confirm_department")
    for condition in project.conditions.all():
        projects.condition_settle(actor=office, condition=condition, note="対応済み")
    projects.agreement_conclude(
        actor=office,
        agreement=agreement,
        upload=SimpleUploadedFile("signed.pdf", PDF_BYTES, content_type="application/pdf"),
        concluded_on=dt.date(2026, 4, 1),
    )
    agreement.refresh_from_db()
    return agreement


def write(
    segment: ProjectYear,
    side: str,
    actor: User,
    scores: dict[str, int],
    reasons: dict[str, str] | None = None,
    *,
    submit: bool = True,
) -> Evaluation:
    """Save `side`'s evaluation of the year with these scores (every other axis 3), and
    submit it."""
    evaluation = services.evaluation_of(segment, side)
    axes = {a.key: a for a in services.scheme_of(segment.project).axes.all()}
    reasons = reasons or {}
    evaluation = services.evaluation_update(
        actor=actor,
        evaluation=evaluation,
        rows=[
            services.ScoreRow(
                axis_id=axis.pk, score=scores.get(key, 3), reason=reasons.get(key, "")
            )
            for key, axis in axes.items()
        ],
        comment=f"{side}の総評",
    )
    if submit:
        services.evaluation_transition(actor=actor, evaluation=evaluation, action="submit")
        evaluation.refresh_from_db()
    return evaluation
