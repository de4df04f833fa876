"""Every write to a project and its agreement: making the project from an adopted proposal,
settling the conditions of the adoption, editing the agreement (each save a new frozen
version), its moves (kyodo.projects.workflow) and its conclusion with the signed scan."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kyodo.accounts.models import User
from kyodo.audit.services import audit_record
from kyodo.core.editing import expect_version
from kyodo.core.errors import DomainError, create_once
from kyodo.core.events import emit
from kyodo.core.numbering import next_number
from kyodo.core.permissions import authorize
from kyodo.core.workflow import TransitionRefused
from kyodo.japan.calendar import fiscal_year_end, fiscal_year_start
from kyodo.projects import clauses, workflow
from kyodo.projects.models import (
    Agreement,
    AgreementScan,
    AgreementVersion,
    ConditionSource,
    Project,
    ProjectCondition,
    ProjectYear,
    ReportSession,
)
from kyodo.proposals import workflow as proposal_workflow
from kyodo.proposals.models import Proposal
from kyodo.proposals.services import year_budgets

# --- the project, made from the adopted proposal ----------------------------------------------


def project_years(proposal: Proposal) -> int:
    """As many segments as the proposal's years, never more than its course allows."""
    return max(1, min(proposal.years or 1, proposal.course.max_years or 1))


def _conditions(proposal: Proposal) -> list[tuple[str, str]]:
    """(source, text) of each condition attached to the adoption: the city's conditions and
    the committee's 付帯意見, one item per paragraph."""
    found: list[tuple[str, str]] = []
    decision = getattr(proposal, "decision", None)
    advice = getattr(proposal, "advice", None)
    for source, text in (
        (ConditionSource.DECISION, decision.conditions if decision is not None else ""),
        (ConditionSource.ADVICE, advice.note if advice is not None else ""),
    ):
        for paragraph in (text or "").split("\n\n"):
            if paragraph.strip():
                found.append((source, paragraph.strip()))
    return found


def draft_content(project: Project, proposal: Proposal) -> dict[str, Any]:
    """The first draft of the agreement, from the proposal and the standard clauses."""
    content: dict[str, Any] = {
        "purpose": proposal.purpose or proposal.title,
        "term": {
            "start": fiscal_year_start(project.first_fiscal_year).isoformat(),
            "end": fiscal_year_end(project.last_fiscal_year).isoformat(),
        },
        "group_role": proposal.group_role,
        "department_role": proposal.city_role,
        "costs": [
            {
                "year_index": s.year_index,
                "fiscal_year": s.fiscal_year,
                "city": s.approved_amount,
                "group": s.group_amount,
            }
            for s in project.segments.order_by("year_index")
        ],
    }
    content.update(clauses.standard_clauses())
    return content


@transaction.atomic
def project_create_from_proposal(*, proposal: Proposal, actor: User | None = None) -> Project:
    """Make the project of an adopted proposal (once: a second call returns the first)."""
    locked = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("course", "call", "group", "theme", "decision", "advice")
        .get(pk=proposal.pk)
    )
    existing = Project.objects.filter(proposal=locked).first()
    if existing is not None:
        return existing
    if locked.status not in proposal_workflow.ADOPTED_STATES:
        raise DomainError(_("採択された提案だけが協働事業になります。"))
    first_year = locked.call.fiscal_year
    years = project_years(locked)

    def create() -> Project:
        return Project.objects.create(
            proposal=locked,
            number=next_number("project", first_year, width=3),
            group=locked.group,
            section_id=locked.section_id
            or (locked.theme.section_id if locked.theme is not None else None),
            course=locked.course,
            title=locked.title,
            first_fiscal_year=first_year,
            years=years,
        )

    project = create_once(create, message=_("この提案の協働事業はすでにあります。"))
    budgets = {b.year_index: b for b in year_budgets(locked)}
    segments = []
    for index in range(1, years + 1):
        budget = budgets.get(index)
        city = budget.city_part if budget else 0
        total = budget.expense_total if budget else 0
        segments.append(
            ProjectYear(
                project=project,
                year_index=index,
                fiscal_year=first_year + index - 1,
                approved_amount=city,
                total_cost=total,
                group_amount=max(total - city, 0),
            )
        )
    ProjectYear.objects.bulk_create(segments)
    ProjectCondition.objects.bulk_create(
        ProjectCondition(project=project, source=source, text=text)
        for source, text in _conditions(locked)
    )
    now = timezone.now()
    agreement = Agreement.objects.create(project=project, content=draft_content(project, locked))
    agreement_version_save(agreement=agreement, actor=actor, at=now, note=_("提案書から作成した案"))
    audit_record(
        actor=actor,
        action="project.create",
        target=project,
        changes={"proposal": [None, locked.pk], "years": [None, years]},
    )
    emit("project.create", obj=project, actor=actor, payload={"proposal": locked.pk})
    return project


# --- conditions of the adoption ---------------------------------------------------------------


@transaction.atomic
def condition_settle(*, actor: User, condition: ProjectCondition, note: str) -> ProjectCondition:
    authorize(actor, "projects.settle_condition", condition.project)
    note = (note or "").strip()
    if not note:
        raise DomainError(_("どのように対応したかを書いてください。"), field="note")
    locked = ProjectCondition.objects.select_for_update().get(pk=condition.pk)
    if locked.settled_at is not None:
        raise DomainError(_("この条件への対応はすでに記録されています。"))
    locked.settled_at = timezone.now()
    locked.settled_by = actor
    locked.note = note
    locked.save(update_fields=["settled_at", "settled_by", "note"])
    audit_record(
        actor=actor,
        action="project.condition_settle",
        target=locked.project,
        summary=note,
        changes={"condition": [locked.text, None]},
    )
    return locked


# --- the agreement ----------------------------------------------------------------------------


def agreement_version_save(
    *, agreement: Agreement, actor: User | None, at: dt.datetime, note: str = ""
) -> AgreementVersion:
    """Freeze the agreement's text as it is now: the next version number, never changed."""
    last = agreement.versions.aggregate(n=Max("number"))["n"] or 0
    return AgreementVersion.objects.create(
        agreement=agreement,
        number=last + 1,
        round=agreement.round,
        kind=agreement.kind,
        snapshot=agreement.content,
        note=note,
        saved_by=actor if actor is not None and actor.is_authenticated else None,
        saved_at=at,
    )


@transaction.atomic
def agreement_update(
    *,
    actor: User,
    agreement: Agreement,
    content: dict[str, Any],
    expected_version: int | None = None,
    note: str = "",
) -> Agreement:
    """Save the text as the side whose turn it is; the save becomes a new frozen version."""
    locked = (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("project__group", "project__section")
        .get(pk=agreement.pk)
    )
    authorize(actor, "projects.edit_agreement", locked)
    fields = expect_version(locked, expected_version)
    before = locked.content
    merged = {**before, **{k: v for k, v in content.items() if k in clauses.labels()}}
    if merged == before:
        return locked
    locked.content = merged
    locked.save(update_fields=[*fields, "content", "updated_at"])
    version = agreement_version_save(agreement=locked, actor=actor, at=timezone.now(), note=note)
    audit_record(
        actor=actor,
        action="agreement.edit",
        target=locked,
        summary=note,
        changes={"version": [version.number - 1, version.number]},
    )
    return locked


def segments_follow_agreement(*, agreement: Agreement) -> dict[int, list[int]]:
    """At each conclusion the agreed cost split becomes each year's approved amount (what
    payments are later checked against). Returns {fiscal year: [before, after]} of the years
    that changed, for the conclusion's audit event."""
    agreed = {c["year_index"]: c for c in agreement.content.get("costs") or []}
    changed: dict[int, list[int]] = {}
    for segment in agreement.project.segments.select_for_update().order_by("year_index"):
        cost = agreed.get(segment.year_index)
        if cost is None:
            continue
        city, group = int(cost.get("city") or 0), int(cost.get("group") or 0)
        if (segment.approved_amount, segment.group_amount) == (city, group):
            continue
        changed[segment.fiscal_year] = [segment.approved_amount, city]
        segment.approved_amount, segment.group_amount = city, group
        segment.total_cost = city + group
        segment.save(update_fields=["approved_amount", "group_amount", "total_cost"])
    return changed


def agreement_transition(
    *, actor: User, agreement: Agreement, action: str, reason: str = ""
) -> Agreement:
    """Move an agreement (kyodo.projects.workflow); notices follow (kyodo.projects.handlers)."""
    return workflow.AGREEMENT.transition(actor=actor, obj=agreement, action=action, reason=reason)


def conclusion_blocker(agreement: Agreement) -> str:
    """Why the conclusion cannot be recorded yet, before any file is stored ("" when it can)."""
    if agreement.status != workflow.CONFIRMING:
        return _("協定書は双方の確認が済んでから締結します。")
    if agreement.group_confirmed_at is None or agreement.department_confirmed_at is None:
        return _("団体と担当課の両方が協定書を確認してから締結を記録してください。")
    if agreement.project.conditions.filter(settled_at__isnull=True).exists():
        return _("採択の条件への対応をすべて記録してから締結してください。")
    return ""


@transaction.atomic
def agreement_conclude(
    *, actor: User, agreement: Agreement, upload: UploadedFile, concluded_on: dt.date
) -> Agreement:
    """Attach the signed scan of the confirmed version, then record the conclusion."""
    authorize(actor, "projects.conclude", agreement)
    locked = (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("project__group", "project__section")
        .get(pk=agreement.pk)
    )
    blocker = conclusion_blocker(locked)
    if blocker:
        raise TransitionRefused(blocker)
    version = locked.versions.order_by("-number").first()
    if version is None:  # every agreement is made with its first version
        raise TransitionRefused(_("協定書の版がありません。"))
    scan = AgreementScan.objects.create(
        agreement=locked,
        round=locked.round,
        version=version,
        **AgreementScan.fields_for(upload, uploaded_by=actor),
    )
    audit_record(
        actor=actor,
        action="agreement.attach_scan",
        target=locked,
        changes={"scan": [None, scan.original_name], "version": [None, version.number]},
    )
    return workflow.AGREEMENT.transition(
        actor=actor, obj=locked, action="conclude", by_service=True, concluded_on=concluded_on
    )


# --- the report session (報告会) --------------------------------------------------------------


@transaction.atomic
def report_session_save(*, actor: User, fiscal_year: int, data: dict[str, Any]) -> ReportSession:
    """Set (or change) the year's report session; the public page shows it at once."""
    authorize(actor, "projects.manage_report_session")
    fields = ("held_on", "starts_at", "place", "note")
    session = ReportSession.objects.select_for_update().filter(fiscal_year=fiscal_year).first()
    before = {f: getattr(session, f) for f in fields} if session else dict.fromkeys(fields)
    if session is None:
        session = ReportSession(fiscal_year=fiscal_year)
    for f in fields:
        setattr(session, f, data.get(f) if f != "note" else data.get(f) or "")
    session.save()
    audit_record(
        actor=actor,
        action="report_session.save",
        target=session,
        changes={
            f: [str(before[f]) if before[f] is not None else None, str(getattr(session, f))]
            for f in fields
            if before[f] != getattr(session, f)
        },
    )
    return session


# --- the next year, when its budget passed (kyodo.evaluation) ---------------------------------


def next_year_blocker(*, project: Project, fiscal_year: int) -> str:
    """Why the budget of `fiscal_year` cannot carry the project into that year ("" when it
    can): a year beyond the course's maximum, or an agreement that was called off."""
    year_index = fiscal_year - project.first_fiscal_year + 1
    if year_index < 1:
        return _("事業の開始より前の年度です。")
    if year_index > (project.course.max_years or 1):
        return _("%(course)sの事業は最長%(n)s年です。") % {
            "course": project.course.name,
            "n": project.course.max_years,
        }
    agreement = Agreement.objects.filter(project=project).first()
    if agreement is not None and agreement.status == workflow.CANCELLED:
        return _("協定が取りやめになった事業です。")
    return ""


@transaction.atomic
def next_year_budget_passed(
    *, actor: User, project: Project, fiscal_year: int, city_amount: int, reason: str
) -> ProjectYear:
    """次年度の予算成立: the year's segment is made (up to the course's maximum) or its
    approved amount set to what passed, and the agreement carries that year's cost split in
    a new version — through a change agreement (変更協定, with `reason`) when it was
    concluded, as a new version of the draft when it is still being worked on."""
    blocker = next_year_blocker(project=project, fiscal_year=fiscal_year)
    if blocker:
        raise DomainError(blocker)
    segment = (
        project.segments.select_for_update().filter(fiscal_year=fiscal_year).order_by("pk").first()
    )
    if segment is None:
        previous = project.segments.order_by("-year_index").first()
        group = previous.group_amount if previous is not None else 0
        year_index = fiscal_year - project.first_fiscal_year + 1
        segment = ProjectYear.objects.create(
            project=project,
            year_index=year_index,
            fiscal_year=fiscal_year,
            approved_amount=city_amount,
            group_amount=group,
            total_cost=city_amount + group,
        )
        before = None
        if year_index > project.years:
            project.years = year_index
            project.save(update_fields=["years"])
    else:
        before = segment.approved_amount
        segment.approved_amount = city_amount
        segment.total_cost = city_amount + segment.group_amount
        segment.save(update_fields=["approved_amount", "total_cost"])
    audit_record(
        actor=actor,
        action="project.next_year",
        target=project,
        summary=reason,
        changes={f"approved_amount_{fiscal_year}": [before, city_amount]},
    )
    agreement = Agreement.objects.select_for_update(of=("self",)).get(project=project)
    costs = [
        c for c in agreement.content.get("costs") or [] if c.get("year_index") != segment.year_index
    ]
    costs.append(
        {
            "year_index": segment.year_index,
            "fiscal_year": segment.fiscal_year,
            "city": segment.approved_amount,
            "group": segment.group_amount,
        }
    )
    content = {
        **agreement.content,
        "costs": sorted(costs, key=lambda c: c["year_index"]),
        "term": {
            **(agreement.content.get("term") or {}),
            "end": fiscal_year_end(project.last_fiscal_year).isoformat(),
        },
    }
    agreement.content = content
    agreement.save(update_fields=["content", "updated_at"])
    if agreement.status == workflow.CONCLUDED:
        # The change round's own version (saved by the move) holds the new split.
        workflow.AGREEMENT.transition(actor=actor, obj=agreement, action="change", reason=reason)
    else:
        agreement_version_save(agreement=agreement, actor=actor, at=timezone.now(), note=reason)
    return segment
