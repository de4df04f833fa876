"""The pages: a side saves its evaluation on the form (the reason's message at its field),
submits after a confirmation, the office's budget-planning list goes to Excel, and the
public page shows the reflection but never a draft."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from kyodo.evaluation import services
from kyodo.projects.models import Project
from tests.conftest import login
from tests.evaluation.conftest import write

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    login(client, user)
    return client


def test_the_group_saves_and_submits_its_evaluation_on_the_page(
    project: Project, representative_a: Any
) -> None:
    segment = project.segments.get(year_index=1)
    client = _client(representative_a)
    url = reverse("evaluation:evaluate", args=[segment.pk, "group"])
    page = client.get(url)
    assert page.status_code == 200
    axes = list(services.scheme_of(project).axes.all())
    data = {f"score_{a.pk}": "3" for a in axes}
    data[f"score_{axes[1].pk}"] = "2"
    answer = client.post(url, data)
    assert answer.status_code == 200
    assert "以下の評価には、理由を書いてください。" in answer.content.decode()
    data[f"reason_{axes[1].pk}"] = "計画より遅れた"
    assert client.post(url, data).status_code == 302
    evaluation = services.evaluation_of(segment, "group")
    submit = reverse("evaluation:evaluation_action", args=[evaluation.pk, "submit"])
    asked = client.post(submit)
    assert asked.status_code == 200 and "提出すると" in asked.content.decode()
    assert client.post(submit, {"confirmed": "yes"}).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == "submitted"


def test_the_budget_planning_list_goes_to_excel(
    project: Project, representative_a: Any, department_staff: Any, office_staff: Any
) -> None:
    segment = project.segments.get(year_index=1)
    write(segment, "group", representative_a, {})
    write(segment, "department", department_staff, {})
    services.outcome_record(
        actor=office_staff,
        segment=segment,
        outcome="improve",
        reason="r",
        reflection="回数を増やす",
    )
    for user in (office_staff, department_staff):
        page = _client(user).get(reverse("evaluation:budget_list"))
        assert project.title in page.content.decode()
        export = _client(user).get(reverse("evaluation:budget_export") + "?year=2027")
        assert export["Content-Type"].startswith("application/vnd.openxmlformats")
        sheet = load_workbook(io.BytesIO(export.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][:3] == ("予算の年度", "要求する課", "事業番号")
        assert rows[1][3] == project.title and rows[1][6] == 300_000
        assert rows[1][8] == "改善して継続"
    assert _client(representative_a).get(reverse("evaluation:budget_list")).status_code == 403


def test_the_public_page_shows_the_reflection_and_no_draft(
    project: Project, representative_a: Any, department_staff: Any, office_staff: Any
) -> None:
    segment = project.segments.get(year_index=1)
    write(segment, "group", representative_a, {"synergy": 1}, {"synergy": "団体の内部の事情"})
    write(segment, "department", department_staff, {})
    write(segment, "committee", office_staff, {}, submit=False)
    services.outcome_record(
        actor=office_staff,
        segment=segment,
        outcome="improve",
        reason="内部の理由",
        reflection="次年度は学校と連携して周知する",
    )
    anonymous = Client()
    index = anonymous.get(reverse("evaluation:public_index")).content.decode()
    assert reverse("evaluation:public_year", args=[2026]) in index
    page = anonymous.get(reverse("evaluation:public_year", args=[2026])).content.decode()
    assert "次年度は学校と連携して周知する" in page and "改善して継続" in page
    assert "団体の内部の事情" not in page
    assert anonymous.get(reverse("evaluation:public_year", args=[1999])).status_code == 404


def test_the_pages_speak_english_from_the_apps_catalog(
    project: Project, representative_a: Any
) -> None:
    from django.conf import settings

    client = _client(representative_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("evaluation:project", args=[project.pk])).content.decode()
    assert "Project targets (set by the group and the department)" in page
    assert "Write or view the group's evaluation" in page
    anonymous = Client()
    anonymous.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    index = anonymous.get(reverse("evaluation:public_index")).content.decode()
    assert "How evaluations are reflected in the next year" in index


@pytest.mark.parametrize("year", ["99999999999999999999", "0", "二〇二七", "-1", "1800"])
def test_a_year_that_is_no_fiscal_year_lists_every_year(
    project: Project, office_staff: Any, year: str
) -> None:
    client = _client(office_staff)
    page = client.get(reverse("evaluation:budget_list"), {"year": year})
    assert page.status_code == 200 and page.context["year"] is None
    export = client.get(reverse("evaluation:budget_export"), {"year": year})
    assert export.status_code == 200
