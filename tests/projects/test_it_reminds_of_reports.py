"""Reports of a project year: the office's schedule with explicit due dates, the group
writing and submitting, the office and the department accepting or returning with comments,
and the reminders — before the due date, on it, and every N days while overdue, on exactly
those days, once each, until the report is received."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from kyodo.audit.models import AuditEvent
from kyodo.core.errors import DomainError
from kyodo.core.models import Delivery, OutboxEvent
from kyodo.core.workflow import TransitionRefused
from kyodo.projects import reports
from kyodo.projects.models import Project, Report, ReportReminder

pytestmark = pytest.mark.django_db

DUE = dt.date(2026, 9, 30)


def _schedule(project: Project, office: Any, dates: list[dt.date], **kw: Any) -> list[Report]:
    segment = project.segments.get(year_index=1)
    reports.schedule_set(
        actor=office, segment=segment, kind=kw.pop("kind", "periodic"), due_dates=dates, **kw
    )
    return list(segment.reports.order_by("due_on"))


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]


def _reminder_mails(rep: Any) -> int:
    return Delivery.objects.filter(
        event__name="report.reminder", address=rep.email, channel="mail"
    ).count()


def test_it_reminds_on_exactly_the_days_due_and_no_others(
    project: Project, office_staff: Any, representative_a: Any
) -> None:
    (report,) = _schedule(
        project, office_staff, [DUE], kind="final_only", remind_before_days=7, remind_every_days=5
    )
    # The clock advances day by day from a month before the due date to 40 days after it,
    # each day's run twice (a worker restarted): the report is never submitted.
    sent_on: list[dt.date] = []
    for day in _days(DUE - dt.timedelta(days=30), DUE + dt.timedelta(days=40)):
        if reports.send_report_reminders(day):
            sent_on.append(day)
        assert reports.send_report_reminders(day) == 0  # once per report and day
    # Worked out by hand: 7 days before (9/23), the due date (9/30), then every 5 days
    # while overdue: 10/5, 10/10, 10/15, 10/20, 10/25, 10/30, 11/4, 11/9.
    expected = [dt.date(2026, 9, 23), DUE] + [
        dt.date(2026, 10, 5) + dt.timedelta(days=5 * n) for n in range(8)
    ]
    assert sent_on == expected
    assert list(report.reminders.values_list("sent_on", flat=True)) == expected
    assert (
        list(report.reminders.values_list("kind", flat=True)) == ["before", "due"] + ["overdue"] * 8
    )
    assert _reminder_mails(representative_a) == len(expected)
    # The due date never moved by itself: still overdue.
    report.refresh_from_db()
    assert report.due_on == DUE and report.overdue_on(DUE + dt.timedelta(days=40))


def test_it_stops_reminding_once_the_report_is_received(
    project: Project, office_staff: Any, representative_a: Any
) -> None:
    (report,) = _schedule(project, office_staff, [DUE], kind="final_only")  # 7 and 7
    for day in _days(DUE - dt.timedelta(days=10), DUE + dt.timedelta(days=7)):
        reports.send_report_reminders(day)
    assert list(report.reminders.values_list("sent_on", flat=True)) == [
        dt.date(2026, 9, 23),
        DUE,
        dt.date(2026, 10, 7),
    ]
    reports.report_update(
        actor=representative_a,
        report=report,
        data={"activities": "子ども食堂を12回開いた", "outcomes": "延べ240人（目標200人）"},
    )
    reports.report_transition(actor=representative_a, report=report, action="submit")
    for day in _days(DUE + dt.timedelta(days=8), DUE + dt.timedelta(days=60)):
        assert reports.send_report_reminders(day) == 0
    assert ReportReminder.objects.count() == 3


def test_it_makes_the_last_due_date_the_results_report(
    project: Project, office_staff: Any, representative_a: Any
) -> None:
    dates = [dt.date(2026, 6, 30), dt.date(2026, 9, 30), dt.date(2026, 12, 28)]
    made = _schedule(project, office_staff, dates)
    assert [(r.kind, r.due_on) for r in made] == [
        ("interim", dates[0]),
        ("interim", dates[1]),
        ("results", dates[2]),
    ]
    # Setting it again with a later final date keeps the reports and adds the new one.
    made = _schedule(project, office_staff, [*dates, dt.date(2027, 4, 30)])
    assert [r.kind for r in made] == ["interim", "interim", "interim", "results"]
    with pytest.raises(DomainError):
        _schedule(project, office_staff, dates, kind="final_only")
    with pytest.raises(PermissionDenied):
        reports.schedule_set(
            actor=representative_a,
            segment=project.segments.get(year_index=1),
            kind="final_only",
            due_dates=[DUE],
        )


def test_it_runs_a_report_through_the_office_and_the_department(
    project: Project, office_staff: Any, representative_a: Any, department_staff: Any
) -> None:
    (report,) = _schedule(project, office_staff, [DUE], kind="final_only")
    with pytest.raises(TransitionRefused):  # nothing written yet
        reports.report_transition(actor=representative_a, report=report, action="submit")
    with pytest.raises(PermissionDenied):
        reports.report_update(actor=department_staff, report=report, data={"activities": "x"})
    reports.report_update(
        actor=representative_a,
        report=report,
        data={
            "dates_and_venues": "毎月第2土曜日、由比ガ浜公民館",
            "participants": "延べ240人（小学生中心）",
            "activities": "子ども食堂を12回開いた",
            "outcomes": "参加者数の目標200人に対し240人",
            "reflections": "食材の寄付先を増やしたい",
        },
    )
    reports.report_transition(actor=representative_a, report=report, action="submit")
    assert report.received_at is not None and report.status == "submitted"
    assert office_staff.email in set(
        Delivery.objects.filter(event__name="report.submit").values_list("address", flat=True)
    )
    reports.report_transition(
        actor=office_staff, report=report, action="office_return", reason="写真の説明を足して"
    )
    assert report.status == "returned" and report.return_reason == "写真の説明を足して"
    received = report.received_at
    reports.report_update(
        actor=representative_a, report=report, data={"reflections": "写真の説明を足した"}
    )
    reports.report_transition(actor=representative_a, report=report, action="submit")
    assert report.received_at == received  # received once, at the first submission
    with pytest.raises(PermissionDenied):
        reports.report_transition(actor=department_staff, report=report, action="office_accept")
    reports.report_transition(actor=office_staff, report=report, action="office_accept")
    with pytest.raises(PermissionDenied):
        reports.report_transition(actor=office_staff, report=report, action="accept")
    reports.report_transition(actor=department_staff, report=report, action="accept")
    assert report.status == "accepted" and report.accepted_at is not None
    actions = set(
        AuditEvent.objects.filter(action__startswith="report.").values_list("action", flat=True)
    )
    assert {"report.schedule", "report.edit", "report.submit", "report.office_return"} <= actions
    assert {"report.office_accept", "report.accept"} <= actions
    assert OutboxEvent.objects.filter(name="report.accept").exists()


def test_it_lists_every_report_due_or_overdue_for_the_office(
    project: Project, office_staff: Any, representative_a: Any, client: Any
) -> None:
    from django.utils import timezone

    from tests.conftest import login

    today = timezone.localdate()
    late, soon, far = _schedule(
        project,
        office_staff,
        [
            today - dt.timedelta(days=3),
            today + dt.timedelta(days=10),
            today + dt.timedelta(days=90),
        ],
    )
    listed = list(reports.due_or_overdue(today=today))
    assert listed == [late, soon]
    login(client, office_staff)
    page = client.get("/staff/project-reports/").content.decode()
    assert f"/project-reports/{late.pk}/" in page and f"/project-reports/{far.pk}/" not in page
    assert "report-overdue" in page
    detail = client.get(f"/projects/{project.pk}/").content.decode()
    assert f"/project-reports/{late.pk}/" in detail and "報告の予定を決める" in detail
