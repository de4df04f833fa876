"""The public side of the projects (issue 10): a project is public once its agreement is
signed, and shows the signed version (never a change being drafted), its partners and the
reports the office and the department accepted (never a draft); the year's report session
(報告会) lists the year's projects with the date and place the office set."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kyodo.audit.models import AuditEvent
from kyodo.projects import reports, services
from kyodo.projects.models import Project, Report
from tests.conftest import login
from tests.projects.conftest import conclude

pytestmark = pytest.mark.django_db


def _report(project: Project, office: Any, rep: Any, dept: Any, due: dt.date, text: str) -> Report:
    segment = project.segments.get(year_index=1)
    reports.schedule_set(actor=office, segment=segment, kind="final_only", due_dates=[due])
    report = Report.objects.get(segment=segment, due_on=due)
    reports.report_update(
        actor=rep, report=report, data={"activities": text, "outcomes": "延べ120人"}
    )
    return report


def test_a_project_is_public_once_signed_and_shows_only_what_was_signed_and_accepted(
    project: Project, representative_a: Any, department_staff: Any, office_staff: Any
) -> None:
    anonymous = Client()
    detail = reverse("projects:public_detail", args=[project.pk])
    listing = reverse("projects:public_list")
    # Not signed yet: not listed, not found.
    assert project.title not in anonymous.get(listing).content.decode()
    assert anonymous.get(detail).status_code == 404

    agreement = project.agreement  # type: ignore[attr-defined]
    services.agreement_update(
        actor=representative_a, agreement=agreement, content={"purpose": "署名した目的"}
    )
    conclude(project, representative_a, department_staff, office_staff, dt.date(2026, 4, 1))
    page = anonymous.get(listing + f"?year={project.first_fiscal_year}").content.decode()
    assert detail in page and project.group.name in page
    # Reached from the home page.
    assert listing in anonymous.get(reverse("portal:home")).content.decode()

    # A change being drafted is not public: the page keeps the signed text.
    services.agreement_transition(
        actor=department_staff, agreement=agreement, action="change", reason="会場の変更"
    )
    services.agreement_update(
        actor=representative_a, agreement=agreement, content={"purpose": "下書き中の目的"}
    )
    body = anonymous.get(detail).content.decode()
    assert "署名した目的" in body and "下書き中の目的" not in body
    assert department_staff.role_assignments.get().section.name in body

    # A report is public only once accepted.
    report = _report(
        project, office_staff, representative_a, department_staff, dt.date(2027, 3, 31), "食堂6回"
    )
    reports.report_transition(actor=representative_a, report=report, action="submit")
    assert "食堂6回" not in anonymous.get(detail).content.decode()
    reports.report_transition(actor=office_staff, report=report, action="office_accept")
    reports.report_transition(actor=department_staff, report=report, action="accept")
    assert "食堂6回" in anonymous.get(detail).content.decode()

    # The partners reach their own management page from the public one; the public does not.
    manage = 'href="{}"'.format(reverse("projects:detail", args=[project.pk]))
    assert manage not in body
    assert manage in login(Client(), representative_a).get(detail).content.decode()


def test_the_office_sets_the_report_session_and_the_public_reads_it_with_the_years_projects(
    project: Project, representative_a: Any, department_staff: Any, office_staff: Any
) -> None:
    conclude(project, representative_a, department_staff, office_staff, dt.date(2026, 4, 1))
    year = project.first_fiscal_year
    office = login(Client(), office_staff)
    sessions = reverse("projects:report_sessions")
    assert sessions in office.get(reverse("projects:staff_list")).content.decode()
    edit = reverse("projects:report_session_edit", args=[year])
    assert edit in office.get(sessions).content.decode()

    # A date outside the year's reach is refused at the field; what was typed stays.
    bad = office.post(edit, {"held_on": "令和3年3月1日", "place": "鎌倉生涯学習センター"})
    assert bad.status_code == 200
    html = bad.content.decode()
    assert "より前の日付は入力できません" in html and "鎌倉生涯学習センター" in html
    ok = office.post(
        edit,
        {
            "held_on": f"{year + 1}-02-14",
            "starts_at": "１３：３０",
            "place": "鎌倉生涯学習センター ホール",
            "note": "<script>alert(1)</script>どなたでも参加できます",
        },
    )
    assert ok.status_code == 302
    assert AuditEvent.objects.filter(action="report_session.save").count() == 1

    public = Client().get(reverse("projects:report_session", args=[year])).content.decode()
    assert "鎌倉生涯学習センター ホール" in public and "13:30" in public
    assert project.title in public and "<script>alert(1)" not in public
    assert "1年目（全3年）" in public
    # From the list of the year's projects.
    listing = Client().get(reverse("projects:public_list") + f"?year={year}").content.decode()
    assert reverse("projects:report_session", args=[year]) in listing

    # Other people may not set it; bad years are not found.
    assert login(Client(), department_staff).get(edit).status_code == 403
    assert Client().get(reverse("projects:report_session", args=[1999])).status_code == 404
    # A year with nothing set yet says so; one beyond next year does not exist.
    empty = Client().get(reverse("projects:report_session", args=[year + 1]))
    assert empty.status_code == 200 and "決まりしだい" in empty.content.decode()
    assert Client().get(reverse("projects:report_session", args=[2100])).status_code == 404
    assert Client().get(reverse("projects:public_list") + "?year=abc").status_code == 404
    assert Client().get(f"/projects/report-session/{'9' * 20}/").status_code == 404
