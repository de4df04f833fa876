"""Every write to a proposal itself: creating and editing it, its budget and attachments,
its eligibility, and its moves (through the workflow engine, kyodo.proposals.workflow).

Consultations live in kyodo.proposals.consultations, the four-party consultation in
kyodo.proposals.fourparty, versions in kyodo.proposals.versions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kyodo.accounts.models import User
from kyodo.audit.services import audit_record, diff
from kyodo.core.editing import expect_version
from kyodo.core.errors import DomainError
from kyodo.core.permissions import NotAllowed, authorize, deny
from kyodo.japan.numbers import format_yen
from kyodo.programmes import eligibility
from kyodo.programmes.models import Call, CityTheme, Course, PastAdoption, ThemeStatus, Track
from kyodo.proposals import workflow
from kyodo.proposals.models import (
    AttachmentKind,
    BudgetKind,
    BudgetLine,
    ConsultationSheet,
    IncomeSource,
    Proposal,
    ProposalAttachment,
)
from kyodo.registry.models import CivicGroup, DocumentKind

PLAN_FIELDS = [
    "title",
    "issue",
    "purpose",
    "content",
    "beneficiaries",
    "schedule",
    "expected_effect",
    "measurement",
    "group_role",
    "city_role",
    "appeal_pioneering",
    "appeal_public_benefit",
    "appeal_collaboration",
    "years",
]
# The fiscal year's months in order, for the month-by-month schedule.
FISCAL_MONTHS = [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]


# --- proposals: creation and editing ----------------------------------------------------


@transaction.atomic
def proposal_create(
    *,
    actor: User,
    group: CivicGroup,
    call: Call,
    course: Course,
    title: str,
    theme: CityTheme | None = None,
    consultation: ConsultationSheet | None = None,
) -> Proposal:
    authorize(actor, "proposals.create", group)
    # Ids come from the browser: check each belongs where it claims to.
    if not call.courses.filter(pk=course.pk).exists():
        raise DomainError(_("このコースはこの募集の対象ではありません。"), field="course")
    if theme is not None and (theme.call_id != call.pk or theme.status != ThemeStatus.PUBLISHED):
        raise DomainError(_("このテーマには応募できません。"), field="theme")
    if consultation is not None and consultation.group_id != group.pk:
        raise NotAllowed(deny(_("この相談はあなたの団体のものではありません。")))
    track = Track.CITY_PROPOSED if theme else Track.GROUP_PROPOSED
    section = theme.section if theme else (consultation.assigned_section if consultation else None)
    proposal = Proposal.objects.create(
        call=call,
        course=course,
        group=group,
        track=track,
        theme=theme,
        consultation=consultation,
        section=section,
        center_involved=consultation is not None,
        title=title,
        years=1,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="proposal.create",
        target=proposal,
        changes={
            "status": [None, proposal.status],
            "course": [None, course],
            "track": [None, track],
        },
    )
    return proposal


def _plan_values(proposal: Proposal) -> dict[str, Any]:
    return {name: getattr(proposal, name) for name in PLAN_FIELDS}


@transaction.atomic
def proposal_update(
    *,
    actor: User,
    proposal: Proposal,
    data: dict[str, Any],
    expected_version: int | None = None,
) -> Proposal:
    """Save the plan as typed: drafts may be incomplete, eligibility is checked on submit.
    With `expected_version` (the editor's form), a save on a stale copy is refused."""
    locked = Proposal.objects.select_for_update().select_related("group").get(pk=proposal.pk)
    authorize(actor, "proposals.edit", locked)
    before = _plan_values(locked)
    changed = [name for name in PLAN_FIELDS if name in data and data[name] != before[name]]
    versioned = expect_version(locked, expected_version)
    for name in changed:
        setattr(locked, name, data[name])
    course = data.get("course")
    course_changes: dict[str, Any] = {}
    if course is not None and course.pk != locked.course_id:
        # A draft may move to another course of its call (a theme fixes its course).
        if locked.theme_id is not None:
            raise DomainError(
                _("市提案テーマへの提案は、テーマのコースで提案します。"), field="course"
            )
        if not locked.call.courses.filter(pk=course.pk).exists() or not course.allows_track(
            locked.track
        ):
            raise DomainError(_("この募集では選べないコースです。"), field="course")
        course_changes = {"course": [str(locked.course), str(course)]}
        locked.course = course
        changed.append("course")
    if changed:
        locked.save(update_fields=[*changed, *versioned, "updated_at"])
        audit_record(
            actor=actor,
            action="proposal.update",
            target=locked,
            changes={**diff(before, _plan_values(locked)), **course_changes},
        )
    return locked


def budget_line_text(line: BudgetLine) -> str:
    if line.kind == BudgetKind.EXPENSE:
        return _("%(year)d年目 支出 %(cat)s %(desc)s %(price)s×%(qty)d＝%(amount)s") % {
            "year": line.year_index,
            "cat": line.category,
            "desc": line.description,
            "price": format_yen(line.unit_price),
            "qty": line.quantity,
            "amount": format_yen(line.amount),
        }
    return _("%(year)d年目 収入 %(cat)s %(desc)s %(amount)s") % {
        "year": line.year_index,
        "cat": line.category,
        "desc": line.description,
        "amount": format_yen(line.amount),
    }


def budget_line_fields(values: dict[str, Any]) -> dict[str, Any]:
    """The columns of a budget-shaped line from a table row (forms.BudgetTables.lines()):
    an income line's category is its source's label as the city writes it; an expense's
    amount is unit price × quantity, computed here and never typed. The proposal's budget
    and a year's settlement (kyodo.payments) both save their rows through this."""
    kind = values["kind"]
    fields: dict[str, Any] = {
        "kind": kind,
        "category": values.get("category", ""),
        "description": values.get("description", ""),
        "source": "",
    }
    if kind == BudgetKind.INCOME:
        fields["source"] = values["source"]
        with translation.override(settings.LANGUAGE_CODE):  # stored as the city writes it
            fields["category"] = str(IncomeSource(values["source"]).label)
        fields.update(unit_price=0, quantity=1, amount=values.get("amount") or 0)
    else:
        unit_price = values.get("unit_price") or 0
        quantity = values.get("quantity") or 0
        fields.update(unit_price=unit_price, quantity=quantity, amount=unit_price * quantity)
    return fields


@transaction.atomic
def budget_replace(
    *, actor: User, proposal: Proposal, lines: list[dict[str, Any]]
) -> list[BudgetLine]:
    """Replace the budget with these lines. Expense amounts are computed, never typed."""
    locked = Proposal.objects.select_for_update().select_related("group").get(pk=proposal.pk)
    authorize(actor, "proposals.edit", locked)
    before = [budget_line_text(line) for line in locked.budget_lines.all()]
    new_lines = [
        BudgetLine(proposal=locked, year_index=values["year_index"], **budget_line_fields(values))
        for values in lines
    ]
    locked.budget_lines.all().delete()
    created = BudgetLine.objects.bulk_create(new_lines)
    after = [budget_line_text(line) for line in created]
    if before != after:
        audit_record(
            actor=actor,
            action="proposal.budget",
            target=locked,
            changes={"budget": [before, after]},
        )
    return created


@transaction.atomic
def attachment_add(
    *, actor: User, proposal: Proposal, kind: str, upload: UploadedFile
) -> ProposalAttachment:
    authorize(actor, "proposals.edit", proposal)
    attachment = ProposalAttachment.objects.create(
        proposal=proposal, kind=kind, **ProposalAttachment.fields_for(upload, uploaded_by=actor)
    )
    audit_record(
        actor=actor,
        action="proposal.attach",
        target=proposal,
        changes={
            "attachment": [None, f"{attachment.get_kind_display()}: {attachment.original_name}"]
        },
    )
    return attachment


@transaction.atomic
def attachment_delete(*, actor: User, attachment: ProposalAttachment) -> None:
    authorize(actor, "proposals.edit", attachment.proposal)
    if attachment.frozen_in_version is not None:
        raise DomainError(
            _(
                "この書類は第%(n)s版とともに提出済みのため、削除できません。差し替えるときは新しい書類を追加してください。"
            )
            % {"n": attachment.frozen_in_version}
        )
    proposal, label = (
        attachment.proposal,
        f"{attachment.get_kind_display()}: {attachment.original_name}",
    )
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    if name:  # FieldFile.name is typed Optional; an attachment's required file always has one
        transaction.on_commit(lambda: storage.delete(name))
    audit_record(
        actor=actor,
        action="proposal.detach",
        target=proposal,
        changes={"attachment": [label, None]},
    )


# --- eligibility -----------------------------------------------------------------------


def year_budgets(proposal: Proposal) -> list[eligibility.YearBudget]:
    lines = list(proposal.budget_lines.all())
    result = []
    for year in range(1, max(proposal.years, 1) + 1):
        mine = [line for line in lines if line.year_index == year]
        income = [line for line in mine if line.kind == BudgetKind.INCOME]
        result.append(
            eligibility.YearBudget(
                year_index=year,
                city_part=sum(line.amount for line in income if line.source == IncomeSource.CITY),
                income_total=sum(line.amount for line in income),
                expense_total=sum(line.amount for line in mine if line.kind == BudgetKind.EXPENSE),
            )
        )
    return result


def prior_adoptions(group: CivicGroup, course: Course) -> int:
    past = PastAdoption.objects.filter(group=group, course=course)
    since = course.adoptions_since_fiscal_year
    if since:
        past = past.filter(fiscal_year__gte=since)
    count = past.count()
    if workflow.ADOPTED_STATES:
        adopted = Proposal.objects.filter(
            group=group, course=course, status__in=workflow.ADOPTED_STATES
        )
        if since:
            adopted = adopted.filter(call__fiscal_year__gte=since)
        count += adopted.count()
    return count


def proposal_eligibility(proposal: Proposal, today: dt.date | None = None) -> eligibility.Report:
    today = today or timezone.localdate()
    group = proposal.group
    kinds = set(proposal.attachments.values_list("kind", flat=True))
    group_kinds = set(group.documents.values_list("kind", flat=True))
    facts = eligibility.GroupFacts(
        has_rules=AttachmentKind.RULES in kinds or DocumentKind.RULES in group_kinds,
        has_accounts=AttachmentKind.ACCOUNTS in kinds or DocumentKind.REPORT in group_kinds,
        prior_adoptions=prior_adoptions(group, proposal.course),
    )
    return eligibility.check(
        proposal.course,
        group,
        today,
        facts=facts,
        track=proposal.track,
        years=proposal.years,
        budgets=year_budgets(proposal),
        ceiling=proposal.theme.budget_ceiling if proposal.theme is not None else None,
    )


# --- moves ---------------------------------------------------------------------------------


def proposal_transition(
    *,
    actor: User,
    proposal: Proposal,
    action: str,
    reason: str = "",
    today: dt.date | None = None,
    by_service: bool = False,
    into: Proposal | None = None,
) -> Proposal:
    """Move a proposal (kyodo.proposals.workflow); notices follow its events
    (kyodo.proposals.handlers). `into` is the proposal a merge (統合) goes into."""
    return workflow.PROPOSAL.transition(
        actor=actor,
        obj=proposal,
        action=action,
        reason=reason,
        by_service=by_service,
        today=today or timezone.localdate(),
        into=into,
    )
