"""Reads for projects: visibility, the lists, and what awaits each person."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from kyodo.accounts.models import Role
from kyodo.accounts.permissions import is_person
from kyodo.projects import workflow
from kyodo.projects.models import Project
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
    if user.has_role(Role.DEPARTMENT) and user.section_ids:
        q |= Q(section_id__in=list(user.section_ids))
    return projects.filter(q)


def staff_list(*, user: Any) -> QuerySet[Project]:
    """The office's list (every project) and a department's (its own); one query per page."""
    projects = visible_projects(user)
    if not user.has_role(Role.OFFICE):
        projects = projects.filter(section_id__in=list(user.section_ids))
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
    if user.has_role(Role.DEPARTMENT) and user.section_ids:
        items["department_turn"] = list(
            Project.objects.filter(section_id__in=list(user.section_ids))
            .filter(
                Q(agreement__status=workflow.DRAFTING_BY_DEPARTMENT)
                | Q(
                    agreement__status=workflow.CONFIRMING,
                    agreement__department_confirmed_at__isnull=True,
                )
            )
            .select_related("group", "agreement")
        )
    if user.has_role(Role.OFFICE):
        items["office_open"] = list(
            Project.objects.filter(agreement__status__in=workflow.OPEN_STATES)
            .select_related("group", "agreement", "section")
            .order_by("-pk")[:50]
        )
    return {k: v for k, v in items.items() if v}
