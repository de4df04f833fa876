"""The report pages, clicked through: the office sets a year's schedule on the project page
(和暦 or Western dates, one a line; a bad line gets a message and nothing typed is lost);
the group writes and submits from the report's page; the office and the department act on
it from theirs; the daily reminders run as a management command."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from kyodo.projects import tasks
from kyodo.projects.models import Project, Report

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    from tests.conftest import login

    return login(Client(), user)


def _schedule(client: Client, project: Project, dates: str) -> Any:
    segment = project.segments.get(year_index=1)
    return client.post(
        reverse("projects:report_schedule", args=[project.pk]),
        {
            "schedule-segment": str(segment.pk),
            "schedule-kind": "periodic",
            "schedule-due_dates": dates,
            "schedule-remind_before_days": "１０",
            "schedule-remind_every_days": "3",
        },
    )


def test_the_office_sets_the_schedule_and_a_bad_date_keeps_what_was_typed(
    project: Project, office_staff: Any
) -> None:
    office = _client(office_staff)
    response = _schedule(office, project, "令和8年9月30日\n平成31年4月31日")
    assert response.status_code == 200
    html = response.content.decode()
    assert "平成31年4月31日" in html and "日付として読めません" in html
    assert not Report.objects.exists()
    response = _schedule(office, project, "令和8年9月30日\n\n2027/4/30")
    assert response.status_code == 302
    reports = list(Report.objects.order_by("due_on"))
    assert [(r.kind, r.due_on) for r in reports] == [
        ("interim", dt.date(2026, 9, 30)),
        ("results", dt.date(2027, 4, 30)),
    ]
    schedule = project.segments.get(year_index=1).report_schedule  # type: ignore[attr-defined]
    assert (schedule.remind_before_days, schedule.remind_every_days) == (10, 3)


def test_a_report_goes_round_by_clicking(
    project: Project, office_staff: Any, representative_a: Any, department_staff: Any
) -> None:
    _schedule(_client(office_staff), project, "2026-09-30")
    report = Report.objects.get()
    group = _client(representative_a)
    page = group.get(reverse("projects:detail", args=[project.pk])).content.decode()
    detail = reverse("projects:report_detail", args=[report.pk])
    assert detail in page
    assert reverse("projects:report_edit", args=[report.pk]) in group.get(detail).content.decode()
    response = group.post(
        reverse("projects:report_edit", args=[report.pk]),
        {
            "version": str(report.version),
            "activities": "子ども食堂を6回開いた",
            "outcomes": "延べ120人",
        },
    )
    assert response.status_code == 302
    submit = reverse("projects:report_action", args=[report.pk, "submit"])
    assert submit in group.get(detail).content.decode()
    assert group.post(submit).status_code == 302
    office = _client(office_staff)
    html = office.get(detail).content.decode()
    assert "子ども食堂を6回開いた" in html
    office.post(reverse("projects:report_action", args=[report.pk, "office_accept"]))
    department = _client(department_staff)
    accept = reverse("projects:report_action", args=[report.pk, "accept"])
    assert accept in department.get(detail).content.decode()
    department.post(accept)
    report.refresh_from_db()
    assert report.status == "accepted"
    # The group can no longer edit it.
    assert group.get(reverse("projects:report_edit", args=[report.pk])).status_code == 403


def test_the_reminders_run_as_a_command_and_a_task(project: Project, office_staff: Any) -> None:
    _schedule(_client(office_staff), project, "2026-09-30")
    out = StringIO()
    call_command("report_reminders", date="2026-09-20", stdout=out)  # 10 days before
    assert "1 reminders sent" in out.getvalue()
    call_command("report_reminders", date="2026-09-20", stdout=out)
    assert "0 reminders sent" in out.getvalue()
    # The tests' task backend cannot defer: nothing is queued, and --schedule says so.
    assert tasks.schedule_reminders() is False
    # The next run is the next 08:00, local time.
    from django.utils import timezone

    now = timezone.make_aware(dt.datetime(2026, 9, 20, 9, 0))
    assert timezone.localtime(tasks.next_run(now)) == timezone.make_aware(
        dt.datetime(2026, 9, 21, 8, 0)
    )
    early = timezone.make_aware(dt.datetime(2026, 9, 20, 7, 0))
    assert timezone.localtime(tasks.next_run(early)).day == 20
