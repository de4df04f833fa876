"""Reads for consultations and proposals: visibility, the staff list, inboxes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kyodo.accounts.models import Role
from kyodo.accounts.permissions import is_person
from kyodo.programmes.models import CityTheme, ThemeStatus
from kyodo.proposals import workflow
from kyodo.proposals.models import (
    ConsultationOutcome,
    ConsultationSheet,
    FourPartyConsultation,
    FourPartyOutcome,
    Proposal,
)
from kyodo.registry.models import CivicGroup, GroupMembership


def _my_group_ids(user: Any) -> QuerySet[GroupMembership, Any]:  # a values() subquery
    return GroupMembership.objects.filter(user=user).values("group_id")


def in_charge_q(sections: list[int], via: str = "") -> Q:
    """Proposals a department is in charge of: assigned to it, or on its theme (the query
    twin of proposals.permissions._proposal_in_charge); `via` reaches them from another model."""
    return Q(**{f"{via}section_id__in": sections}) | Q(**{f"{via}theme__section_id__in": sections})


def visibility_q(user: Any) -> Q | None:
    """The visibility rule as a filter; None means everything (the office)."""
    if user.has_role(Role.OFFICE):
        return None
    q = Q(group_id__in=_my_group_ids(user))
    if user.section_ids:
        sections = user.sections_in_charge
        q |= in_charge_q(sections)
    if user.has_role(Role.CENTER):
        q |= Q(center_involved=True)
    return q


def visible_proposals(user: Any) -> QuerySet[Proposal]:
    if not is_person(user):
        return Proposal.objects.none()
    q = visibility_q(user)
    proposals = Proposal.objects.all()
    return proposals if q is None else proposals.filter(q)


@dataclass(frozen=True)
class ProposalFilter:
    call: int | None = None
    course: int | None = None
    status: str = ""
    track: str = ""
    section: int | None = None
    query: str = ""


def staff_list(*, user: Any, flt: ProposalFilter | None = None) -> QuerySet[Proposal]:
    """The office's (and each department's / the center's) list of proposals, filtered.

    One query for the page whatever its length: every column shown is joined."""
    flt = flt or ProposalFilter()
    proposals = visible_proposals(user)
    if flt.call:
        proposals = proposals.filter(call_id=flt.call)
    if flt.course:
        proposals = proposals.filter(course_id=flt.course)
    if flt.status:
        proposals = proposals.filter(status=flt.status)
    if flt.track:
        proposals = proposals.filter(track=flt.track)
    if flt.section:
        proposals = proposals.filter(Q(section_id=flt.section) | Q(theme__section_id=flt.section))
    if flt.query:
        # The group's name through a subquery, not a join: PostgreSQL then filters the
        # proposals by their indexed columns first and scans only those titles.
        matching_groups = CivicGroup.objects.filter(name__icontains=flt.query).values("id")
        proposals = proposals.filter(
            Q(title__icontains=flt.query) | Q(group_id__in=matching_groups)
        )
    return (
        proposals.select_related("call", "course", "group", "theme", "section")
        .only(
            "id",
            "title",
            "status",
            "track",
            "submitted_at",
            "version_number",
            "call__title",
            "call__fiscal_year",
            "course__name",
            "group__name",
            "theme__title",
            "section__name",
        )
        .order_by("-submitted_at", "-pk")
    )


def group_proposals(group_ids: list[int]) -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(group_id__in=group_ids)
        .select_related("call", "course", "group", "theme")
        .order_by("-created_at")
    )


def consultations_visible(user: Any) -> QuerySet[ConsultationSheet]:
    sheets = ConsultationSheet.objects.select_related(
        "group", "call", "theme", "wished_section", "assigned_section"
    )
    if not is_person(user):
        return sheets.none()
    if user.has_role(Role.OFFICE, Role.CENTER):
        return sheets
    q = Q(group_id__in=_my_group_ids(user))
    if user.section_ids:
        sections = user.sections_in_charge
        q |= Q(assigned_section_id__in=sections) | Q(wished_section_id__in=sections)
    return sheets.filter(q)


def inbox(user: Any) -> dict[str, Any]:
    """What awaits this person, by role: lists for the dashboard."""
    if not is_person(user):
        return {}
    items: dict[str, Any] = {}
    group_ids = list(_my_group_ids(user).values_list("group_id", flat=True))
    if group_ids:
        items["group_todo"] = list(
            group_proposals(group_ids).filter(
                status__in=[workflow.DRAFT, workflow.RETURNED, workflow.REVISING]
            )
        )
        items["group_stopped"] = list(group_proposals(group_ids).filter(status=workflow.STOPPED))
    if user.has_role(Role.OFFICE):
        items["office_intake"] = list(
            staff_list(user=user, flt=ProposalFilter(status=workflow.SUBMITTED))
        )
        items["office_schedule"] = list(
            staff_list(user=user, flt=ProposalFilter(status=workflow.ACCEPTED))
        )
        items["themes_to_publish"] = list(
            CityTheme.objects.filter(status=ThemeStatus.DRAFT).select_related("section")
        )
    if user.has_role(Role.OFFICE, Role.CENTER, Role.DEPARTMENT):
        # The four parties' shared work: the department sees what is assigned to it.
        items["consultations_open"] = list(
            consultations_visible(user).filter(outcome=ConsultationOutcome.PENDING)
        )
        meetings = FourPartyConsultation.objects.filter(outcome=FourPartyOutcome.PENDING)
        if not user.has_role(Role.OFFICE, Role.CENTER):
            sections = user.sections_in_charge
            meetings = meetings.filter(in_charge_q(sections, via="proposal__"))
        items["office_fourparty"] = list(
            meetings.select_related("proposal__group").order_by("scheduled_at")
        )
    if user.section_ids:
        sections = user.sections_in_charge
        items["dept_themes"] = list(
            CityTheme.objects.filter(status=ThemeStatus.DRAFT, section_id__in=sections)
        )
        items["dept_proposals"] = list(
            staff_list(user=user).filter(
                in_charge_q(sections),
                status__in=list(workflow.BEFORE_DECISION - {workflow.DRAFT}),
            )
        )
    return items


@dataclass(frozen=True)
class CallConsultationRow:
    """One line of a call's table of consultations and four-party meetings."""

    kind: str  # 事前相談 / 4者協議
    title: str
    group: str
    section: str
    day: dt.date | None
    outcome: str
    reason: str
    url: str


CALL_TABLE_SORTS = ("kind", "title", "group", "section", "day", "outcome")


def call_consultations(user: Any, call: Any, sort: str = "day") -> list[CallConsultationRow]:
    """Every consultation and four-party meeting of a call that this person may see, as one
    table (the office sees all; a department those of its sections)."""
    from django.urls import reverse

    rows: list[CallConsultationRow] = []
    sheets = (
        consultations_visible(user)
        .filter(call=call)
        .prefetch_related("meetings")
        .select_related("group", "assigned_section", "theme")
    )
    for sheet in sheets:
        held = [m.held_on for m in sheet.meetings.all()]
        rows.append(
            CallConsultationRow(
                kind=str(_("事前相談")),
                title=sheet.idea,
                group=sheet.group.name,
                section=sheet.assigned_section.name if sheet.assigned_section else "",
                day=max(held) if held else timezone.localtime(sheet.created_at).date(),
                outcome=str(sheet.get_outcome_display()),
                reason=sheet.outcome_note,
                url=reverse("proposals:consultation", args=[sheet.pk]),
            )
        )
    meetings = FourPartyConsultation.objects.filter(
        proposal__in=visible_proposals(user), proposal__call=call
    ).select_related(
        "proposal__group", "proposal__section", "proposal__theme__section", "merged_into"
    )
    for m in meetings:
        p = m.proposal
        section = p.section or (p.theme.section if p.theme else None)
        reason = m.reason
        if m.merged_into is not None:
            reason = f"{reason}（{_('統合先')}：{m.merged_into.title}）".strip()
        rows.append(
            CallConsultationRow(
                kind=str(_("4者協議")),
                title=p.title,
                group=p.group.name,
                section=section.name if section else "",
                day=timezone.localtime(m.scheduled_at).date(),
                outcome=str(m.get_outcome_display()),
                reason=reason,
                url=reverse("proposals:detail", args=[p.pk]),
            )
        )
    key = sort.removeprefix("-")
    if key not in CALL_TABLE_SORTS:
        key = "day"
    rows.sort(
        key=lambda r: (getattr(r, key) is None, getattr(r, key) or "", r.day or dt.date.min),
        reverse=sort.startswith("-"),
    )
    return rows
