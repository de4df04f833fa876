"""The office's evaluation list and the budget-planning list take as many queries for many
rows as for one."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kyodo.evaluation import services
from kyodo.projects.models import Project
from kyodo.projects.services import project_create_from_proposal
from tests.conftest import login
from tests.evaluation.conftest import write
from tests.proposals import factories as pf

pytestmark = pytest.mark.django_db


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _continue(project: Project, rep: Any, dept: Any, office: Any) -> None:
    segment = project.segments.get(year_index=1)
    write(segment, "group", rep, {})
    write(segment, "department", dept, {})
    services.outcome_record(
        actor=office, segment=segment, outcome="continue", reason="順調", reflection="同様に"
    )


def test_the_lists_take_as_many_queries_for_many_rows_as_for_one(
    project: Project,
    office_staff: Any,
    department_staff: Any,
    representative_a: Any,
    group_a: Any,
) -> None:
    _continue(project, representative_a, department_staff, office_staff)
    client = Client()
    login(client, office_staff)
    urls = [reverse("evaluation:staff_index"), reverse("evaluation:budget_list")]
    before = [_queries(client, url) for url in urls]
    for n in range(3):
        proposal = pf.ProposalFactory(
            group=group_a, section=project.section, status="adopted", title=f"事業{n}", years=2
        )
        pf.balanced_budget(proposal, city=100_000, own=10_000)
        other = project_create_from_proposal(proposal=proposal, actor=office_staff)
        _continue(other, representative_a, department_staff, office_staff)
    assert [_queries(client, url) for url in urls] == before
