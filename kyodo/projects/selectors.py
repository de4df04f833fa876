"""Reads for projects: visibility, the lists, and what awaits each person."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from kyodo.accounts.models import Role
from kyodo.accounts.permissions import is_person
from kyodo.projects import workflow
from kyodo.projects.models import (
    AgreementScan,
    AgreementVersion,
    Project,
    ProjectYear,
    Report,
    ReportPhoto,
    ReportSession,
)
from kyodo.registry.models import GroupMembership


def _my_group_ids(user: Any) -> QuerySet[GroupMembership, Any]:  # a values() subquery
    return GroupMembership.objects.filter(user=user).values("group_id")


def visible_projects(user: Any) -> QuerySet[Project]:
    """The rule of projects.view as a filter: the office all, a department its own, a
    group's members their group's."""
    projects = Project.objects.select_related("group", "section", "course", "agreement")
    if not is_person(user):
        return projects.none()
    if user.has_role(Role.OFFICE):
        return projects
    q = Q(group_id__in=_my_group_ids(user))
    if user.section_ids:
        q |= Q(section_id__in=user.sections_in_charge)
    return projects.filter(q)


def staff_list(*, user: Any) -> QuerySet[Project]:
    """The office's list (every project) and a department's (its own); one query per page."""
    projects = visible_projects(user)
    if not user.has_role(Role.OFFICE):
        projects = projects.filter(section_id__in=user.sections_in_charge)
    return projects.order_by("-first_fiscal_year", "-pk")


def group_projects(group_id: int) -> QuerySet[Project]:
    return (
        Project.objects.filter(group_id=group_id)
        .select_related("course", "section", "agreement")
        .order_by("-first_fiscal_year", "-pk")
    )


def inbox(user: Any) -> dict[str, Any]:
    """Agreements waiting for this person's side, for the dashboard."""
    if not is_person(user):
        return {}
    items: dict[str, Any] = {}
    group_ids = list(_my_group_ids(user).values_list("group_id", flat=True))
    if group_ids:
        mine = Project.objects.filter(group_id__in=group_ids).select_related("group", "agreement")
        items["group_projects"] = list(mine.order_by("-first_fiscal_year", "-pk")[:20])
        items["groups"] = list({p.group_id: p.group for p in items["group_projects"]}.values())
        items["group_turn"] = [
            p
            for p in items["group_projects"]
            if p.agreement.status == workflow.DRAFTING_BY_GROUP
            or (
                p.agreement.status == workflow.CONFIRMING and p.agreement.group_confirmed_at is None
            )
        ]
    if user.section_ids:
        items["department_turn"] = list(
            Project.objects.filter(section_id__in=user.sections_in_charge)
            .filter(
                Q(agreement__status=workflow.DRAFTING_BY_DEPARTMENT)
                | Q(
                    agreement__status=workflow.CONFIRMING,
                    agreement__department_confirmed_at__isnull=True,
                )
            )
            .select_related("group", "agreement")
        )
    # Reports waiting for a check: the office's first, then the department in charge's.
    waiting = Report.objects.select_related("segment__project__group").order_by("due_on")
    if user.section_ids:
        items["department_reports"] = list(
            waiting.filter(
                status=workflow.REPORT_WITH_DEPARTMENT,
                segment__project__section_id__in=user.sections_in_charge,
            )[:50]
        )
    if user.has_role(Role.OFFICE):
        items["office_reports"] = list(waiting.filter(status=workflow.REPORT_SUBMITTED)[:50])
    if user.has_role(Role.OFFICE):
        items["office_open"] = list(
            Project.objects.filter(agreement__status__in=workflow.OPEN_STATES)
            .select_related("group", "agreement", "section")
            .order_by("-pk")[:50]
        )
    return {k: v for k, v in items.items() if v}


# --- the public side ------------------------------------------------------------------------


def public_projects() -> QuerySet[Project]:
    """Projects the public may read: those whose agreement has been signed at least once (a
    scan of the signed agreement is attached). What they show is the signed version, never a
    draft of a change under way."""
    signed = AgreementScan.objects.filter(agreement__project=OuterRef("pk"))
    return (
        Project.objects.filter(Exists(signed))
        .select_related("group", "section", "course")
        .order_by("-first_fiscal_year", "title", "pk")
    )


def public_fiscal_years() -> list[int]:
    """The fiscal years in which a public project ran (newest first), for the year links."""
    return sorted(
        set(
            ProjectYear.objects.filter(project__in=public_projects())
            .values_list("fiscal_year", flat=True)
            .distinct()
        ),
        reverse=True,
    )


def public_projects_of_year(fiscal_year: int) -> QuerySet[Project]:
    return public_projects().filter(segments__fiscal_year=fiscal_year).distinct()


def signed_version(project: Project) -> AgreementVersion | None:
    """The agreement's last signed version: what the partners concluded."""
    scan = (
        AgreementScan.objects.filter(agreement__project=project)
        .select_related("version")
        .order_by("-round", "-pk")
        .first()
    )
    return scan.version if scan else None


def public_reports(project: Project) -> list[Report]:
    """The reports the office and the department accepted: the ones the public may read."""
    return list(
        Report.objects.filter(segment__project=project, accepted_at__isnull=False)
        .select_related("segment")
        .prefetch_related(
            Prefetch(
                "photos",
                queryset=ReportPhoto.objects.filter(publishable=True),
                to_attr="public_photos",
            )
        )
        .order_by("segment__year_index", "due_on")
    )


@dataclass(frozen=True)
class SessionEntry:
    """One project on the report session's page: its year of the project and results."""

    project: Project
    segment: ProjectYear
    results: Report | None


def report_session(fiscal_year: int) -> tuple[ReportSession | None, list[SessionEntry]]:
    """The year's report session and the projects that ran that year, each with its accepted
    results report (実績報告書) if there is one yet."""
    session = ReportSession.objects.filter(fiscal_year=fiscal_year).first()
    segments = (
        ProjectYear.objects.filter(fiscal_year=fiscal_year, project__in=public_projects())
        .select_related("project__group", "project__section", "project__course")
        .order_by("project__title", "project__pk")
    )
    accepted = {
        r.segment_id: r
        for r in Report.objects.filter(
            segment__in=segments, kind="results", accepted_at__isnull=False
        ).order_by("due_on")
    }
    return session, [SessionEntry(s.project, s, accepted.get(s.pk)) for s in segments]
