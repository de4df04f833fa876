"""Pages for projects and their agreements: the lists, the project page, the agreement's
editor, its versions side by side, and the moves (buttons from Workflow.actions_for).

Every object is loaded and then checked with the same predicate the templates use."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kyodo.core.confirm import confirmation, needs_confirmation
from kyodo.core.editing import EditConflict, keep_typed_after_conflict
from kyodo.core.errors import DomainError, form_error
from kyodo.core.files import stored_file_response
from kyodo.core.http import AuthenticatedHttpRequest, fiscal_year_from
from kyodo.core.moves import make_move, move_panel, person_transition, posted_form
from kyodo.core.navigation import panels_for
from kyodo.core.permissions import authorize, check
from kyodo.japan.calendar import fiscal_year as this_fiscal_year
from kyodo.payments.selectors import money_for
from kyodo.projects import clauses, reports, selectors, services, workflow
from kyodo.projects.forms import (
    AgreementForm,
    ConcludeForm,
    PhotoForm,
    ReportForm,
    ReportSessionForm,
    ScheduleForm,
    SettleForm,
)
from kyodo.projects.models import (
    Agreement,
    AgreementScan,
    Project,
    ProjectCondition,
    Report,
    ReportPhoto,
    ReportSession,
)
from kyodo.registry.models import CivicGroup


def _project(request: HttpRequest, pk: int) -> Project:
    project = get_object_or_404(
        Project.objects.select_related("group", "section", "course", "proposal__call", "agreement"),
        pk=pk,
    )
    authorize(request.user, "projects.view", project)
    return project


@login_required
def staff_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    authorize(request.user, "projects.staff_list")
    page = Paginator(selectors.staff_list(user=request.user), settings.KYODO_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "can_manage_sessions": bool(check("projects.manage_report_session", request.user)),
    }
    return render(request, "projects/staff_list.html", context)


@login_required
def group_list(request: AuthenticatedHttpRequest, group_pk: int) -> HttpResponse:
    group = get_object_or_404(CivicGroup, pk=group_pk)
    authorize(request.user, "projects.group_list", group)
    context = {"group": group, "projects": selectors.group_projects(group.pk)}
    return render(request, "projects/group_list.html", context)


def _detail_context(request: HttpRequest, project: Project, **forms: Any) -> dict[str, Any]:
    user = request.user
    agreement = project.agreement  # type: ignore[attr-defined]  # the reverse one-to-one
    actions = workflow.AGREEMENT.actions_for(user, agreement)
    is_group_side = bool(check("projects.act_as_group", user, agreement))
    can_settle = bool(check("projects.settle_condition", user, project))
    versions = list(agreement.versions.select_related("saved_by").order_by("-number"))
    context: dict[str, Any] = {
        "project": project,
        "agreement": agreement,
        "state_label": agreement.state.group_label
        if is_group_side
        else agreement.state.staff_label,
        "segments": project.segments.all(),
        "conditions": [
            (
                c,
                None
                if c.settled or not can_settle
                else (
                    forms["settle_form"]
                    if forms.get("settle_pk") == c.pk
                    else SettleForm(prefix=f"settle-{c.pk}")
                ),
            )
            for c in project.conditions.all()
        ],
        "rows": clauses.rows(agreement.content),
        "versions": versions,
        "scans": agreement.scans.select_related("version"),
        "moves": move_panel(
            actions,
            url=lambda action: reverse("projects:agreement_action", args=[project.pk, action]),
            posted=forms.get("reason_form"),
        ),
        "can_edit": check("projects.edit_agreement", user, agreement),
        "is_staff_view": bool(check("projects.staff_list", user)),
        "can_conclude": bool(check("projects.conclude", user, agreement))
        and agreement.status == workflow.CONFIRMING,
        "conclusion_blocker": services.conclusion_blocker(agreement),
        "conclude_form": forms.get("conclude_form") or ConcludeForm(prefix="conclude"),
        "money": money_for(user, project),
        "report_years": reports.reports_of(project),
        "can_schedule": bool(check("projects.set_report_schedule", user, project)),
        "schedule_form": forms.get("schedule_form")
        or ScheduleForm(project=project, prefix="schedule"),
        "today": timezone.localdate(),
        "is_public": bool(check("projects.view_public", user, project)),
    }
    return context


@login_required
def project_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    return render(request, "projects/project_detail.html", _detail_context(request, project))


@login_required
def agreement_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    agreement: Agreement = project.agreement  # type: ignore[attr-defined]
    authorize(request.user, "projects.edit_agreement", agreement)
    form = AgreementForm(
        request.POST or None, agreement=agreement, initial=AgreementForm.initial_for(agreement)
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_update(
                actor=request.user,
                agreement=agreement,
                content=form.content(),
                expected_version=form.cleaned_data.get("version"),
                note=form.cleaned_data.get("note") or "",
            )
        except EditConflict as exc:
            conflict = exc.current
            keep_typed_after_conflict(form, exc)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("協定書の案を保存しました（新しい版として残しました）。"))
            return redirect("projects:detail", pk=project.pk)
    context = {
        "project": project,
        "agreement": agreement,
        "form": form,
        "conflict_rows": clauses.rows(conflict.content) if conflict else None,
    }
    return render(request, "projects/agreement_edit.html", context)


@login_required
def agreement_versions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    agreement = project.agreement  # type: ignore[attr-defined]
    versions = list(agreement.versions.select_related("saved_by").order_by("number"))
    numbers = [v.number for v in versions]
    try:
        a = int(request.GET.get("a") or (numbers[-2] if len(numbers) > 1 else 0))
        b = int(request.GET.get("b") or (numbers[-1] if numbers else 0))
    except ValueError as exc:
        raise Http404 from exc
    by_number = {v.number: v for v in versions}
    diffs = (
        clauses.differences(by_number[a].snapshot, by_number[b].snapshot)
        if a in by_number and b in by_number
        else []
    )
    shown = by_number.get(b)
    context = {
        "project": project,
        "versions": versions,
        "a": a,
        "b": b,
        "diffs": diffs,
        "shown": shown,
        "shown_rows": clauses.rows(shown.snapshot) if shown else [],
    }
    return render(request, "projects/agreement_versions.html", context)


@require_POST  # 405 before the log-in check, for everyone
@login_required
def agreement_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    project = _project(request, pk)
    agreement = project.agreement  # type: ignore[attr-defined]
    transition = person_transition(workflow.AGREEMENT, action)
    authorize(request.user, "projects.transition", (agreement, action))
    form = posted_form(request, transition)
    if form is not None and not form.is_valid():
        context = _detail_context(request, project, reason_form=form)
        return render(request, "projects/project_detail.html", context)
    make_move(
        request,
        transition,
        form,
        lambda reason: services.agreement_transition(
            actor=request.user, agreement=agreement, action=action, reason=reason
        ),
    )
    return redirect("projects:detail", pk=project.pk)


@require_POST  # 405 before the log-in check, for everyone
@login_required
def condition_settle(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    condition = get_object_or_404(ProjectCondition.objects.select_related("project"), pk=pk)
    project = _project(request, condition.project_id)
    authorize(request.user, "projects.settle_condition", project)
    form = SettleForm(request.POST, prefix=f"settle-{condition.pk}")
    if form.is_valid():
        try:
            services.condition_settle(
                actor=request.user, condition=condition, note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("条件への対応を記録しました。"))
            return redirect("projects:detail", pk=project.pk)
    context = _detail_context(request, project, settle_form=form, settle_pk=condition.pk)
    return render(request, "projects/project_detail.html", context)


@require_POST  # 405 before the log-in check, for everyone
@login_required
def agreement_conclude(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    agreement = project.agreement  # type: ignore[attr-defined]
    authorize(request.user, "projects.conclude", agreement)
    form = ConcludeForm(request.POST, request.FILES, prefix="conclude")
    if form.is_valid():
        try:
            services.agreement_conclude(
                actor=request.user,
                agreement=agreement,
                upload=form.cleaned_data["file"],
                concluded_on=form.cleaned_data["concluded_on"],
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("協定の締結を記録しました。"))
            return redirect("projects:detail", pk=project.pk)
    context = _detail_context(request, project, conclude_form=form)
    return render(request, "projects/project_detail.html", context)


@login_required
def scan_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    scan = get_object_or_404(
        AgreementScan.objects.select_related("agreement__project__group"), pk=pk
    )
    authorize(request.user, "projects.view", scan.agreement.project)
    return stored_file_response(scan)


# --- reports ----------------------------------------------------------------------------------


@require_POST  # 405 before the log-in check, for everyone
@login_required
def report_schedule(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    authorize(request.user, "projects.set_report_schedule", project)
    form = ScheduleForm(request.POST, project=project, prefix="schedule")
    if form.is_valid():
        data = form.cleaned_data
        try:
            reports.schedule_set(
                actor=request.user,
                segment=project.segments.get(pk=data["segment"]),
                kind=data["kind"],
                due_dates=data["due_dates"],
                remind_before_days=data["remind_before_days"],
                remind_every_days=data["remind_every_days"],
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("報告の予定を保存しました。"))
            return redirect("projects:detail", pk=project.pk)
    context = _detail_context(request, project, schedule_form=form)
    return render(request, "projects/project_detail.html", context)


def _report(request: HttpRequest, pk: int) -> Report:
    report = get_object_or_404(
        Report.objects.select_related(
            "segment__project__group", "segment__project__section", "segment__report_schedule"
        ),
        pk=pk,
    )
    authorize(request.user, "projects.view", report.segment.project)
    return report


def _report_context(request: HttpRequest, report: Report, **forms: Any) -> dict[str, Any]:
    user = request.user
    actions = workflow.REPORT.actions_for(user, report)
    is_group_side = bool(check("projects.write_report", user, report))
    return {
        "report": report,
        "project": report.segment.project,
        "state_label": report.state.group_label if is_group_side else report.state.staff_label,
        "overdue": report.overdue_on(timezone.localdate()),
        "can_edit": bool(check("projects.edit_report", user, report)),
        "moves": move_panel(
            actions,
            url=lambda action: reverse("projects:report_action", args=[report.pk, action]),
            posted=forms.get("reason_form"),
        ),
        "reminders": report.reminders.all(),
        "photos": report.photos.all(),
        "photo_form": forms.get("photo_form") or PhotoForm(prefix="photo"),
    }


@login_required
def report_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    return render(request, "projects/report_detail.html", _report_context(request, report))


@login_required
def report_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    authorize(request.user, "projects.edit_report", report)
    initial = {name: getattr(report, name) for name in reports.REPORT_TEXT_FIELDS}
    form = ReportForm(request.POST or None, initial={**initial, "version": report.version})
    if request.method == "POST" and form.is_valid():
        try:
            reports.report_update(
                actor=request.user,
                report=report,
                data={name: form.cleaned_data.get(name) or "" for name in initial},
                expected_version=form.cleaned_data.get("version"),
            )
        except EditConflict as exc:
            keep_typed_after_conflict(form, exc)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("報告を保存しました。"))
            return redirect("projects:report_detail", pk=report.pk)
    context = {"report": report, "project": report.segment.project, "form": form}
    return render(request, "projects/report_edit.html", context)


@require_POST  # 405 before the log-in check, for everyone
@login_required
def report_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    report = _report(request, pk)
    transition = person_transition(workflow.REPORT, action)
    authorize(request.user, "projects.report_transition", (report, action))
    form = posted_form(request, transition)
    if form is not None and not form.is_valid():
        context = _report_context(request, report, reason_form=form)
        return render(request, "projects/report_detail.html", context)
    make_move(
        request,
        transition,
        form,
        lambda reason: reports.report_transition(
            actor=request.user, report=report, action=action, reason=reason
        ),
    )
    return redirect("projects:report_detail", pk=report.pk)


@login_required
def report_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    authorize(request.user, "projects.report_list")
    today = timezone.localdate()
    page = Paginator(reports.due_or_overdue(today=today), settings.KYODO_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "projects/report_list.html", {"page": page, "today": today})


# --- the public side: what the projects did, and the year's report session ---------------------


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    """協働事業の成果: the projects the public may read, a fiscal year at a time."""
    years = selectors.public_fiscal_years()
    chosen = fiscal_year_from(request.GET.get("year"))
    year = chosen or (years[0] if years else this_fiscal_year(timezone.localdate()))
    context = {
        "years": years,
        "year": year,
        "projects": list(selectors.public_projects_of_year(year)),
        "session": selectors.report_session(year)[0],
    }
    return render(request, "projects/public_list.html", context)


@require_GET
def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A project's public page: summary, partners, the signed terms, accepted reports."""
    project = get_object_or_404(selectors.public_projects(), pk=pk)
    version = selectors.signed_version(project)
    content = version.snapshot if version else {}
    context = {
        "project": project,
        "signed": version,
        "rows": clauses.rows(content, only=clauses.PUBLIC_CLAUSES),
        "segments": project.segments.all(),
        "reports": selectors.public_reports(project),
        # What other apps add to the page (the evaluation's summary, kyodo.evaluation).
        "panels": panels_for(project, page="projects.public"),
        "may_manage": bool(check("projects.view", request.user, project)),
    }
    return render(request, "projects/public_detail.html", context)


@require_GET
def report_session(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    """The year's report session (報告会): when and where, and the projects that report."""
    # Any year up to the next one: a year with nothing yet says so (the office links the
    # page before the session is set); later years do not exist yet.
    fiscal_year_from(fiscal_year)
    if fiscal_year > this_fiscal_year(timezone.localdate()) + 1:
        raise Http404
    session, entries = selectors.report_session(fiscal_year)
    context = {"fiscal_year": fiscal_year, "session": session, "entries": entries}
    return render(request, "projects/report_session.html", context)


@login_required
def report_sessions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The office's list of report sessions: each year with projects, set or not yet."""
    authorize(request.user, "projects.manage_report_session")
    this_year = this_fiscal_year(timezone.localdate())
    years = sorted(set(selectors.public_fiscal_years()) | {this_year}, reverse=True)
    sessions = {s.fiscal_year: s for s in ReportSession.objects.all()}
    rows = [(year, sessions.get(year)) for year in years]
    return render(request, "projects/report_sessions.html", {"rows": rows})


@login_required
def report_session_edit(request: AuthenticatedHttpRequest, fiscal_year: int) -> HttpResponse:
    authorize(request.user, "projects.manage_report_session")
    fiscal_year_from(fiscal_year)
    session = ReportSession.objects.filter(fiscal_year=fiscal_year).first()
    initial = (
        {f: getattr(session, f) for f in ("held_on", "starts_at", "place", "note")}
        if session
        else {}
    )
    form = ReportSessionForm(request.POST or None, initial=initial, fiscal_year=fiscal_year)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_session_save(
                actor=request.user, fiscal_year=fiscal_year, data=form.cleaned_data
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("報告会の予定を保存しました。公開ページに表示されます。"))
            return redirect("projects:report_sessions")
    context = {"form": form, "fiscal_year": fiscal_year, "session": session}
    return render(request, "projects/report_session_edit.html", context)


# --- photos of a report -------------------------------------------------------------------------


@require_POST  # 405 before the log-in check, for everyone
@login_required
def photo_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    authorize(request.user, "projects.edit_report", report)
    form = PhotoForm(request.POST, request.FILES, prefix="photo")
    if form.is_valid():
        try:
            reports.photo_add(
                actor=request.user,
                report=report,
                upload=form.cleaned_data["file"],
                caption=form.cleaned_data["caption"],
                publishable=form.cleaned_data["publishable"],
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("写真を追加しました。"))
            return redirect("projects:report_detail", pk=report.pk)
    context = _report_context(request, report, photo_form=form)
    return render(request, "projects/report_detail.html", context)


@require_POST  # 405 before the log-in check, for everyone
@login_required
def photo_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    photo = get_object_or_404(ReportPhoto.objects.select_related("report"), pk=pk)
    report = _report(request, photo.report_id)
    authorize(request.user, "projects.edit_report", report)
    if needs_confirmation(request):
        return confirmation(
            request,
            title=_("写真の削除"),
            question=_("写真「%(caption)s」を削除しますか。") % {"caption": photo.caption},
            button=_("削除する"),
            cancel_url=reverse("projects:report_detail", args=[report.pk]),
        )
    try:
        reports.photo_delete(actor=request.user, photo=photo)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("写真を削除しました。"))
    return redirect("projects:report_detail", pk=report.pk)


@require_GET
def photo_file(request: HttpRequest, pk: int) -> FileResponse:
    """A report's photo, shown in the page: to the partners, and to anyone once published."""
    photo = get_object_or_404(ReportPhoto.objects.select_related("report__segment__project"), pk=pk)
    authorize(request.user, "projects.view_photo", photo)
    return stored_file_response(photo, inline=True)
