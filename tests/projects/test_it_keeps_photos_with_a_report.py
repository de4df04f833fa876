"""Photos of the activity go with a report (issue 10: "photos"): PNG or JPEG only, each with
the caption that is its text for those who cannot see it, at most ten; the partners see
them all; the public sees only those the group allowed, once the report is accepted and
the project public. Deleting one asks first."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kyodo.audit.models import AuditEvent
from kyodo.core.errors import DomainError
from kyodo.projects import reports
from kyodo.projects.models import Project, Report, ReportPhoto
from tests.conftest import login
from tests.gates.conftest import PDF_BYTES, PNG_BYTES
from tests.projects.conftest import conclude

pytestmark = pytest.mark.django_db


def _png(name: str = "食堂.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def _report(project: Project, office: Any) -> Report:
    segment = project.segments.get(year_index=1)
    reports.schedule_set(
        actor=office, segment=segment, kind="final_only", due_dates=[dt.date(2027, 3, 31)]
    )
    return Report.objects.get(segment=segment)


def test_the_group_adds_photos_by_clicking_and_the_public_sees_only_the_allowed_ones(
    project: Project, representative_a: Any, department_staff: Any, office_staff: Any
) -> None:
    conclude(project, representative_a, department_staff, office_staff, dt.date(2026, 4, 1))
    report = _report(project, office_staff)
    group = login(Client(), representative_a)
    detail = reverse("projects:report_detail", args=[report.pk])
    upload = reverse("projects:photo_upload", args=[report.pk])
    assert upload in group.get(detail).content.decode()

    # A PDF is refused at the field; a missing caption too; nothing is stored.
    pdf = SimpleUploadedFile("x.pdf", PDF_BYTES, content_type="application/pdf")
    bad = group.post(upload, {"photo-file": pdf, "photo-caption": "チラシ"})
    assert bad.status_code == 200 and "PNG または JPEG" in bad.content.decode()
    nameless = group.post(upload, {"photo-file": _png(), "photo-caption": " "})
    assert nameless.status_code == 200 and "errorlist" in nameless.content.decode()
    assert not ReportPhoto.objects.exists()

    ok = group.post(
        upload,
        {
            "photo-file": _png(),
            "photo-caption": "子ども食堂で配膳する様子",
            "photo-publishable": "on",
        },
    )
    assert ok.status_code == 302
    group.post(upload, {"photo-file": _png("内部.png"), "photo-caption": "スタッフ会議"})
    shown, private = ReportPhoto.objects.order_by("pk")
    assert (shown.publishable, private.publishable) == (True, False)
    assert shown.content_type == "image/png"
    page = group.get(detail).content.decode()
    assert 'alt="子ども食堂で配膳する様子"' in page and 'alt="スタッフ会議"' in page
    assert AuditEvent.objects.filter(action="report.photo_add").count() == 2

    # The partners open every photo, shown in the page (not as a download).
    answer = login(Client(), department_staff).get(reverse("projects:photo", args=[private.pk]))
    assert answer.status_code == 200 and answer["Content-Type"] == "image/png"
    assert not answer["Content-Disposition"].startswith("attachment")
    # The public: nothing before the report is accepted.
    anonymous = Client()
    assert anonymous.get(reverse("projects:photo", args=[shown.pk])).status_code == 302

    reports.report_update(
        actor=representative_a,
        report=report,
        data={"activities": "6回開催", "outcomes": "延べ120人"},
    )
    for actor, action in (
        (representative_a, "submit"),
        (office_staff, "office_accept"),
        (department_staff, "accept"),
    ):
        reports.report_transition(actor=actor, report=report, action=action)
    public = anonymous.get(reverse("projects:public_detail", args=[project.pk])).content.decode()
    assert 'alt="子ども食堂で配膳する様子"' in public and "スタッフ会議" not in public
    assert anonymous.get(reverse("projects:photo", args=[shown.pk])).status_code == 200
    assert anonymous.get(reverse("projects:photo", args=[private.pk])).status_code == 302
    # Accepted: the group can no longer add or remove photos.
    with pytest.raises(PermissionDenied):
        reports.photo_delete(actor=representative_a, photo=shown)


def test_deleting_a_photo_asks_first_and_a_report_holds_ten_at_most(
    project: Project, representative_a: Any, office_staff: Any
) -> None:
    report = _report(project, office_staff)
    for n in range(reports.MAX_PHOTOS):
        reports.photo_add(
            actor=representative_a,
            report=report,
            upload=_png(),
            caption=f"写真{n}",
            publishable=False,
        )
    with pytest.raises(DomainError, match="10枚まで"):
        reports.photo_add(
            actor=representative_a,
            report=report,
            upload=_png(),
            caption="11枚目",
            publishable=False,
        )
    photo = report.photos.first()
    group = login(Client(), representative_a)
    url = reverse("projects:photo_delete", args=[photo.pk])
    asked = group.post(url)
    assert asked.status_code == 200 and "削除しますか" in asked.content.decode()
    assert ReportPhoto.objects.filter(pk=photo.pk).exists()
    assert group.post(url, {"confirmed": "yes"}).status_code == 302
    assert not ReportPhoto.objects.filter(pk=photo.pk).exists()
    assert AuditEvent.objects.filter(action="report.photo_delete").count() == 1
