"""The project pages: who sees which project, reaching them by clicking from each role's
dashboard, the agreement's editor and versions, and the office's and department's steps."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kyodo.accounts.models import Role
from kyodo.projects.models import Project
from tests import factories
from tests.conftest import login
from tests.gates.conftest import PDF_BYTES
from tests.projects.conftest import adopted, make_final, walk_to_confirming

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    return login(Client(), user)


def _links(html: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', html))


def test_a_group_sees_its_own_project_and_never_another_groups(
    project: Project, representative_a: Any, member_b: Any
) -> None:
    detail = reverse("projects:detail", args=[project.pk])
    assert _client(representative_a).get(detail).status_code == 200
    other = _client(member_b)
    assert other.get(detail).status_code == 403
    assert other.get(reverse("projects:agreement_versions", args=[project.pk])).status_code == 403
    assert other.get(reverse("projects:group_list", args=[project.group_id])).status_code == 403
    pdf = reverse("documents:agreement", kwargs={"pk": project.agreement.pk, "fmt": "pdf"})  # type: ignore[attr-defined]
    assert other.get(pdf).status_code == 403


def test_a_department_sees_only_the_projects_it_is_in_charge_of(
    project: Project, office_staff: Any, group_b: Any
) -> None:
    elsewhere = factories.SectionFactory(name="環境保全課")
    other_dept = factories.staff_user(Role.DEPARTMENT, section=elsewhere)
    theirs = make_final(
        office_staff, adopted(office_staff, group_b, elsewhere, title="海岸清掃の協働")
    )
    client = _client(other_dept)
    assert client.get(reverse("projects:detail", args=[project.pk])).status_code == 403
    assert client.get(reverse("projects:detail", args=[theirs.pk])).status_code == 200
    listing = client.get(reverse("projects:staff_list")).content.decode()
    assert "海岸清掃の協働" in listing and project.title not in listing
    office_list = _client(office_staff).get(reverse("projects:staff_list")).content.decode()
    assert "海岸清掃の協働" in office_list and project.title in office_list


def test_each_role_reaches_the_project_by_clicking_from_its_dashboard(
    project: Project, representative_a: Any, department_staff: Any, office_staff: Any
) -> None:
    detail = reverse("projects:detail", args=[project.pk])
    dashboard = reverse("portal:dashboard")
    for person in (representative_a, department_staff, office_staff):
        page = _client(person).get(dashboard).content.decode()
        reachable = detail in _links(page) or (
            reverse("projects:staff_list") in _links(page)
            and detail
            in _links(_client(person).get(reverse("projects:staff_list")).content.decode())
        )
        assert reachable, person
    # The group's proposal page links to its project.
    proposal_page = _client(representative_a).get(
        reverse("proposals:detail", args=[project.proposal_id])
    )
    assert detail in _links(proposal_page.content.decode())


def test_the_page_shows_the_moves_of_the_side_whose_turn_it_is(
    project: Project, representative_a: Any, department_staff: Any
) -> None:
    to_department = reverse("projects:agreement_action", args=[project.pk, "to_department"])
    group_page = _client(representative_a).get(reverse("projects:detail", args=[project.pk]))
    assert to_department in group_page.content.decode()
    dept_page = _client(department_staff).get(reverse("projects:detail", args=[project.pk]))
    assert to_department not in dept_page.content.decode()
    response = _client(representative_a).post(to_department)
    assert response.status_code == 302
    project.agreement.refresh_from_db()  # type: ignore[attr-defined]
    assert project.agreement.status == "drafting_by_department"  # type: ignore[attr-defined]


def test_the_editor_saves_a_new_version_and_the_versions_page_shows_the_difference(
    project: Project, representative_a: Any
) -> None:
    client = _client(representative_a)
    edit = reverse("projects:agreement_edit", args=[project.pk])
    form = client.get(edit)
    assert form.status_code == 200
    data = {
        k: v
        for k, v in form.context["form"].initial.items()  # type: ignore[index]
        if v is not None
    }
    data.update(purpose="子どもと高齢者の孤食をなくす", note="対象を広げた", city_2="３０万円")
    response = client.post(edit, data)
    assert response.status_code == 302, response.context["form"].errors  # type: ignore[index]
    agreement = project.agreement  # type: ignore[attr-defined]
    agreement.refresh_from_db()
    assert agreement.content["purpose"] == "子どもと高齢者の孤食をなくす"
    assert agreement.versions.count() == 2
    diff = client.get(reverse("projects:agreement_versions", args=[project.pk])).content.decode()
    assert "<ins>と高齢者</ins>" in diff


def test_bad_input_stays_on_the_form_with_a_message(
    project: Project, representative_a: Any
) -> None:
    client = _client(representative_a)
    edit = reverse("projects:agreement_edit", args=[project.pk])
    response = client.post(edit, {"purpose": "目的だけ書いた", "term_start": "令和8年4月31日"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "目的だけ書いた" in html
    assert "日付を" in html


def test_the_office_settles_a_condition_and_records_the_conclusion(
    project: Project, representative_a: Any, department_staff: Any, office_staff: Any
) -> None:
    agreement = walk_to_confirming(project, representative_a, department_staff)
    _client(representative_a).post(
        reverse("projects:agreement_action", args=[project.pk, "confirm_group"])
    )
    _client(department_staff).post(
        reverse("projects:agreement_action", args=[project.pk, "confirm_department"])
    )
    office = _client(office_staff)
    condition = project.conditions.get()
    settle = reverse("projects:condition_settle", args=[condition.pk])
    empty = office.post(settle, {f"settle-{condition.pk}-note": ""})
    assert empty.status_code == 200 and "必須です。" in empty.content.decode()
    office.post(settle, {f"settle-{condition.pk}-note": "安全計画を受領"})
    conclude = reverse("projects:agreement_conclude", args=[project.pk])
    response = office.post(
        conclude,
        {
            "conclude-concluded_on": "令和8年4月1日",
            "conclude-file": SimpleUploadedFile("signed.pdf", PDF_BYTES),
        },
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == "concluded"
    assert agreement.concluded_on == dt.date(2026, 4, 1)
    scan = agreement.scans.get()
    assert (
        _client(representative_a).get(reverse("projects:scan_download", args=[scan.pk])).status_code
        == 200
    )


def _queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_lists_take_as_many_queries_for_many_projects_as_for_one(
    project: Project, office_staff: Any, representative_a: Any, group_a: Any
) -> None:
    from kyodo.projects.services import project_create_from_proposal
    from tests.proposals import factories as pf

    office, group = _client(office_staff), _client(representative_a)
    staff_url = reverse("projects:staff_list")
    group_url = reverse("projects:group_list", args=[group_a.pk])
    before = (_queries(office, staff_url), _queries(group, group_url))
    for n in range(4):
        proposal = pf.ProposalFactory(
            group=group_a, section=project.section, status="adopted", title=f"事業{n}"
        )
        project_create_from_proposal(proposal=proposal, actor=office_staff)
    assert (_queries(office, staff_url), _queries(group, group_url)) == before
