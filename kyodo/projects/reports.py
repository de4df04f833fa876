"""Reports of a project year (事業報告): the schedule the office sets, the group's writing and
submitting, the moves (kyodo.projects.workflow.REPORT) and the reminders.

A report's due date is explicit and never moves by itself: only the office, setting the
schedule again, changes the reports not yet begun. A report is overdue from the day after
its due date until it is received (first submitted); being returned afterwards does not
make it overdue again.

Reminders (`send_report_reminders(today)`, run daily by kyodo.projects.tasks): for every
report not yet received, one on the day `remind_before_days` before the due date, one on
the due date, and one every `remind_every_days` days after it while it stays overdue. Each
one sent is recorded (ReportReminder, one per report and day), so running the day again
sends nothing more, and a day that was missed is not sent late.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kyodo.accounts.models import User
from kyodo.audit.services import audit_record
from kyodo.core.editing import expect_version
from kyodo.core.errors import DomainError
from kyodo.core.events import audience, mail_subject, notify
from kyodo.core.files import sniff_image
from kyodo.core.permissions import authorize
from kyodo.projects import workflow
from kyodo.projects.models import (
    Project,
    ProjectYear,
    ReminderKind,
    Report,
    ReportKind,
    ReportPhoto,
    ReportReminder,
    ReportSchedule,
    ScheduleKind,
)

REPORT_TEXT_FIELDS = ("dates_and_venues", "participants", "activities", "outcomes", "reflections")
DEFAULT_BEFORE_DAYS = 7
DEFAULT_EVERY_DAYS = 7


# --- the schedule -----------------------------------------------------------------------------


@transaction.atomic
def schedule_set(
    *,
    actor: User,
    segment: ProjectYear,
    kind: str,
    due_dates: Sequence[dt.date],
    remind_before_days: int = DEFAULT_BEFORE_DAYS,
    remind_every_days: int = DEFAULT_EVERY_DAYS,
) -> ReportSchedule:
    """Set a year's schedule: one report per due date, the last one the results report
    (実績報告書), the earlier ones interim. Reports already begun (submitted or returned)
    keep their date; a draft whose date is no longer listed is dropped."""
    authorize(actor, "projects.set_report_schedule", segment.project)
    dates = sorted(set(due_dates))
    if not dates:
        raise DomainError(_("提出期限を1つ以上入力してください。"), field="due_dates")
    if kind == ScheduleKind.FINAL_ONLY and len(dates) != 1:
        raise DomainError(
            _("「最終報告のみ」では提出期限を1つだけ入力してください。"), field="due_dates"
        )
    if remind_every_days < 1:
        raise DomainError(_("催促の間隔は1日以上にしてください。"), field="remind_every_days")
    locked = ProjectYear.objects.select_for_update().get(pk=segment.pk)
    schedule, _created = ReportSchedule.objects.update_or_create(
        segment=locked,
        defaults={
            "kind": kind,
            "remind_before_days": remind_before_days,
            "remind_every_days": remind_every_days,
        },
    )
    existing = {r.due_on: r for r in locked.reports.select_for_update()}
    dropped = [
        r.due_on.isoformat()
        for d, r in existing.items()
        if d not in dates and r.status == workflow.REPORT_DRAFT and r.received_at is None
    ]
    locked.reports.filter(due_on__in=[dt.date.fromisoformat(d) for d in dropped]).delete()
    kept = [d for d in existing if d.isoformat() not in dropped]
    last = max([*dates, *kept])
    for day in dates:
        report = existing.get(day)
        report_kind = ReportKind.RESULTS if day == last else ReportKind.INTERIM
        if report is None:
            Report.objects.create(segment=locked, kind=report_kind, due_on=day)
        elif report.kind != report_kind and report.status == workflow.REPORT_DRAFT:
            report.kind = report_kind
            report.save(update_fields=["kind", "updated_at"])
    audit_record(
        actor=actor,
        action="report.schedule",
        target=locked.project,
        changes={
            "fiscal_year": [None, locked.fiscal_year],
            "kind": [None, kind],
            "due_dates": [sorted(d.isoformat() for d in existing), [d.isoformat() for d in dates]],
            "remind": [None, [remind_before_days, remind_every_days]],
        },
    )
    return schedule


# --- writing and moving a report --------------------------------------------------------------


@transaction.atomic
def report_update(
    *,
    actor: User,
    report: Report,
    data: dict[str, str],
    expected_version: int | None = None,
) -> Report:
    """Save the group's text while the report is theirs to write (draft or returned)."""
    locked = (
        Report.objects.select_for_update(of=("self",))
        .select_related("segment__project__group")
        .get(pk=report.pk)
    )
    authorize(actor, "projects.edit_report", locked)
    fields = expect_version(locked, expected_version)
    changed = {
        name: [getattr(locked, name)[:40], (data.get(name) or "")[:40]]
        for name in REPORT_TEXT_FIELDS
        if name in data and (data.get(name) or "") != getattr(locked, name)
    }
    if not changed:
        return locked
    for name in changed:
        setattr(locked, name, data.get(name) or "")
    locked.save(update_fields=[*fields, *changed, "updated_at"])
    audit_record(actor=actor, action="report.edit", target=locked, changes=changed)
    return locked


# A report carries at most this many photos: enough to show the year, not an album.
MAX_PHOTOS = 10


@transaction.atomic
def photo_add(
    *, actor: User, report: Report, upload: Any, caption: str, publishable: bool
) -> ReportPhoto:
    """Add a photo while the report is the group's to write. PNG or JPEG only (sniffed from
    the bytes); the caption is required, as the picture's text for those who cannot see it."""
    locked = Report.objects.select_for_update().get(pk=report.pk)
    authorize(actor, "projects.edit_report", locked)
    caption = (caption or "").strip()
    if not caption:
        raise DomainError(_("写真に写っている内容を書いてください。"), field="caption")
    if locked.photos.count() >= MAX_PHOTOS:
        raise DomainError(_("写真は1つの報告に%(n)s枚までです。") % {"n": MAX_PHOTOS}, field="file")
    try:
        columns = ReportPhoto.fields_for(upload, uploaded_by=actor)
        sniff_image(upload)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], field="file") from exc
    photo = ReportPhoto.objects.create(
        report=locked, caption=caption, publishable=publishable, **columns
    )
    audit_record(
        actor=actor,
        action="report.photo_add",
        target=locked,
        changes={"photo": [None, photo.original_name], "publishable": [None, publishable]},
    )
    return photo


@transaction.atomic
def photo_delete(*, actor: User, photo: ReportPhoto) -> None:
    report = Report.objects.select_for_update().get(pk=photo.report_id)
    authorize(actor, "projects.edit_report", report)
    name = photo.original_name
    photo.file.delete(save=False)
    photo.delete()
    audit_record(
        actor=actor, action="report.photo_delete", target=report, changes={"photo": [name, None]}
    )


def report_transition(*, actor: User, report: Report, action: str, reason: str = "") -> Report:
    """Move a report (kyodo.projects.workflow.REPORT); notices follow (handlers)."""
    return workflow.REPORT.transition(actor=actor, obj=report, action=action, reason=reason)


# --- reminders --------------------------------------------------------------------------------


def reminder_due(report: Report, schedule: ReportSchedule | None, today: dt.date) -> str | None:
    """Which reminder (ReminderKind) is due for the report on `today`, or None."""
    if report.received_at is not None:
        return None
    before = schedule.remind_before_days if schedule else DEFAULT_BEFORE_DAYS
    every = max(1, schedule.remind_every_days if schedule else DEFAULT_EVERY_DAYS)
    if today == report.due_on:
        return ReminderKind.DUE
    if before and today == report.due_on - dt.timedelta(days=before):
        return ReminderKind.BEFORE
    late = (today - report.due_on).days
    if late > 0 and late % every == 0:
        return ReminderKind.OVERDUE
    return None


SUBJECTS: dict[str, str] = {
    ReminderKind.BEFORE: gettext_noop("【協働】「%(title)s」の%(kind)sの提出期限が近づいています"),
    ReminderKind.DUE: gettext_noop("【協働】「%(title)s」の%(kind)sは本日が提出期限です"),
    ReminderKind.OVERDUE: gettext_noop("【協働】「%(title)s」の%(kind)sの提出期限を過ぎています"),
}


def send_report_reminders(today: dt.date) -> int:
    """Send the reminders due on `today`; returns how many were sent. Idempotent per
    report and day: a reminder already recorded for the day is not sent again."""
    sent = 0
    latest_before = max(
        [DEFAULT_BEFORE_DAYS, *ReportSchedule.objects.values_list("remind_before_days", flat=True)]
    )
    candidates = (
        Report.objects.filter(
            received_at__isnull=True, due_on__lte=today + dt.timedelta(days=latest_before)
        )
        .select_related("segment__project__group", "segment__report_schedule")
        .order_by("due_on", "pk")
    )
    for report in candidates:
        schedule = getattr(report.segment, "report_schedule", None)
        kind = reminder_due(report, schedule, today)
        if kind is None:
            continue
        with transaction.atomic():
            reminder, created = ReportReminder.objects.get_or_create(
                report=report, sent_on=today, defaults={"kind": kind}
            )
            if not created:
                continue
            project = report.segment.project
            notify(
                to=[audience("group", project.group)],
                subject=mail_subject(
                    SUBJECTS[kind], title=project.title, kind=report.get_kind_display()
                ),
                template="projects/email/report_reminder.txt",
                context={
                    "project": project,
                    "report": report,
                    "reminder": reminder,
                    "days_late": max(0, (today - report.due_on).days),
                    "path": reverse("projects:report_detail", args=[report.pk]),
                },
                name="report.reminder",
                obj=report,
            )
            sent += 1
    return sent


# --- reads ------------------------------------------------------------------------------------


def due_or_overdue(*, today: dt.date, within_days: int = 30) -> QuerySet[Report]:
    """Every report not yet received whose due date has passed or comes within
    `within_days`, across projects, the oldest due date first (the office's list)."""
    return (
        Report.objects.filter(
            received_at__isnull=True, due_on__lte=today + dt.timedelta(days=within_days)
        )
        .select_related("segment__project__group", "segment__project__section")
        .order_by("due_on", "pk")
    )


def reports_of(project: Project) -> list[tuple[ProjectYear, Any, list[Report]]]:
    """Each year of the project with its schedule and reports, for the project page."""
    segments = project.segments.select_related("report_schedule").prefetch_related("reports")
    return [(s, getattr(s, "report_schedule", None), list(s.reports.all())) for s in segments]
