"""Every write to consultations and proposals.

`proposal_transition` is the one function that assigns a proposal's status: it locks the
row, checks the actor's permission and the state against proposals.workflow, saves, writes
an audit event and queues the e-mail for after the commit.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from typing import Any, cast

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Field
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kyodo.accounts.models import Section, User
from kyodo.audit.services import audit_record, diff, jsonable
from kyodo.core.events import audience, mail_subject, notify
from kyodo.core.permissions import NotAllowed, authorize, deny
from kyodo.japan.numbers import format_yen
from kyodo.programmes import eligibility
from kyodo.programmes.models import Call, CityTheme, Course, PastAdoption, ThemeStatus, Track
from kyodo.proposals import workflow
from kyodo.proposals.models import (
    CITY_SHARE_CATEGORY,
    AttachmentKind,
    BudgetKind,
    BudgetLine,
    ConsultationMeeting,
    ConsultationOutcome,
    ConsultationSheet,
    FourPartyConsultation,
    FourPartyOutcome,
    Proposal,
    ProposalAttachment,
    ProposalVersion,
)
from kyodo.registry.models import CivicGroup, DocumentKind
from kyodo.registry.services import group_profile

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


class TransitionRefused(Exception):
    """The move is not possible now; `message` says why in words the user can act on."""

    def __init__(self, message: str, report: eligibility.Report | None = None):
        super().__init__(message)
        self.message = message
        self.report = report


# --- consultations ---------------------------------------------------------------------


@transaction.atomic
def consultation_create(
    *, actor: User, group: CivicGroup, call: Call, data: dict[str, Any]
) -> ConsultationSheet:
    authorize(actor, "registry.act_for_group", group)
    theme = data.get("theme")
    if theme is not None and (theme.call_id != call.pk or theme.status != ThemeStatus.PUBLISHED):
        raise TransitionRefused(_("このテーマには相談できません。"))
    sheet = ConsultationSheet.objects.create(
        group=group,
        call=call,
        theme=theme,
        idea=data["idea"],
        issue=data["issue"],
        wished_section=data.get("wished_section") or (theme.section if theme else None),
        wished_section_text=data.get("wished_section_text", ""),
        created_by=actor,
    )
    audit_record(actor=actor, action="consultation.create", target=sheet)
    notify(
        to=[audience("office"), audience("center")],
        subject=mail_subject(
            gettext_noop("【協働】事前相談シートが届きました：%(name)s"), name=group.name
        ),
        template="proposals/email/consultation.txt",
        context={"sheet": sheet, "path": reverse("proposals:consultation", args=[sheet.pk])},
    )
    return sheet


@transaction.atomic
def consultation_assign(
    *, actor: User, sheet: ConsultationSheet, section: Section
) -> ConsultationSheet:
    locked = ConsultationSheet.objects.select_for_update().get(pk=sheet.pk)
    authorize(actor, "proposals.manage_consultation", locked)
    before = locked.assigned_section
    locked.assigned_section = section
    locked.save(update_fields=["assigned_section"])
    # Proposals already drafted from this consultation follow it to the department.
    for proposal in Proposal.objects.select_for_update().filter(
        consultation=locked, section__isnull=True
    ):
        proposal.section = section
        proposal.save(update_fields=["section", "updated_at"])
        audit_record(
            actor=actor,
            action="proposal.assign_section",
            target=proposal,
            changes={"section": [None, section]},
        )
    audit_record(
        actor=actor,
        action="consultation.assign",
        target=locked,
        changes={"assigned_section": [before, section]},
    )
    notify(
        to=[audience("section", section.pk)],
        subject=mail_subject(
            gettext_noop("【協働】協働事業の相談の担当になりました：%(name)s"),
            name=locked.group.name,
        ),
        template="proposals/email/consultation.txt",
        context={"sheet": locked, "path": reverse("proposals:consultation", args=[locked.pk])},
    )
    return locked


@transaction.atomic
def proposal_assign_section(*, actor: User, proposal: Proposal, section: Section) -> Proposal:
    """The office names the department that will work with the group on this proposal."""
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    authorize(actor, "proposals.intake", locked)
    before = locked.section
    locked.section = section
    locked.save(update_fields=["section", "updated_at"])
    audit_record(
        actor=actor,
        action="proposal.assign_section",
        target=locked,
        changes={"section": [before, section]},
    )
    notify(
        to=[audience("section", section.pk)],
        subject=mail_subject(
            gettext_noop("【協働】協働事業の提案の担当になりました：%(title)s"), title=locked.title
        ),
        template="proposals/email/transition.txt",
        context={
            "proposal": locked,
            "reason": "",
            "state": locked.state.staff_label,
            "path": reverse("proposals:detail", args=[locked.pk]),
        },
    )
    return locked


@transaction.atomic
def consultation_record_meeting(
    *, actor: User, sheet: ConsultationSheet, data: dict[str, Any]
) -> ConsultationMeeting:
    authorize(actor, "proposals.manage_consultation", sheet)
    meeting = ConsultationMeeting.objects.create(
        sheet=sheet,
        held_on=data["held_on"],
        attendees=data["attendees"],
        notes=data["notes"],
        next_steps=data.get("next_steps", ""),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="consultation.meeting",
        target=sheet,
        changes={"meeting": [None, f"{meeting.held_on} {meeting.attendees}"]},
    )
    return meeting


@transaction.atomic
def consultation_conclude(
    *, actor: User, sheet: ConsultationSheet, outcome: str, note: str = ""
) -> ConsultationSheet:
    locked = ConsultationSheet.objects.select_for_update().get(pk=sheet.pk)
    authorize(actor, "proposals.manage_consultation", locked)
    if outcome not in ConsultationOutcome.values:
        raise ValueError(outcome)
    before = locked.outcome
    locked.outcome = outcome
    locked.outcome_note = note
    locked.save(update_fields=["outcome", "outcome_note"])
    audit_record(
        actor=actor,
        action="consultation.conclude",
        target=locked,
        summary=note,
        changes={"outcome": [before, outcome]},
    )
    notify(
        to=[audience("group", locked.group)],
        subject=mail_subject(gettext_noop("【協働】事前相談の結果をお知らせします")),
        template="proposals/email/consultation.txt",
        context={"sheet": locked, "path": reverse("proposals:consultation", args=[locked.pk])},
    )
    return locked


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
        raise TransitionRefused(_("このコースはこの募集の対象ではありません。"))
    if theme is not None and (theme.call_id != call.pk or theme.status != ThemeStatus.PUBLISHED):
        raise TransitionRefused(_("このテーマには応募できません。"))
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
def proposal_update(*, actor: User, proposal: Proposal, data: dict[str, Any]) -> Proposal:
    """Save the plan as typed: drafts may be incomplete, eligibility is checked on submit."""
    locked = Proposal.objects.select_for_update().select_related("group").get(pk=proposal.pk)
    authorize(actor, "proposals.edit", locked)
    before = _plan_values(locked)
    changed = [name for name in PLAN_FIELDS if name in data and data[name] != before[name]]
    for name in changed:
        setattr(locked, name, data[name])
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
        audit_record(
            actor=actor,
            action="proposal.update",
            target=locked,
            changes=diff(before, _plan_values(locked)),
        )
    return locked


def _line_text(line: BudgetLine) -> str:
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


@transaction.atomic
def budget_replace(
    *, actor: User, proposal: Proposal, lines: list[dict[str, Any]]
) -> list[BudgetLine]:
    """Replace the budget with these lines. Expense amounts are computed, never typed."""
    locked = Proposal.objects.select_for_update().select_related("group").get(pk=proposal.pk)
    authorize(actor, "proposals.edit", locked)
    before = [_line_text(line) for line in locked.budget_lines.all()]
    new_lines = []
    for values in lines:
        line = BudgetLine(
            proposal=locked,
            year_index=values["year_index"],
            kind=values["kind"],
            category=values["category"],
            description=values.get("description", ""),
        )
        if line.kind == BudgetKind.EXPENSE:
            line.unit_price = values.get("unit_price") or 0
            line.quantity = values.get("quantity") or 0
            line.amount = line.unit_price * line.quantity
        else:
            line.unit_price, line.quantity = 0, 1
            line.amount = values.get("amount") or 0
        new_lines.append(line)
    locked.budget_lines.all().delete()
    created = BudgetLine.objects.bulk_create(new_lines)
    after = [_line_text(line) for line in created]
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
                city_part=sum(
                    line.amount for line in income if line.category == CITY_SHARE_CATEGORY
                ),
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


# --- versions --------------------------------------------------------------------------


def proposal_snapshot(proposal: Proposal) -> dict[str, Any]:
    """Everything the committee will read, as plain data: what a version freezes."""
    values = jsonable(_plan_values(proposal))
    values["schedule"] = "\n".join(
        f"{item['month']}月：{item['activity']}"
        for item in proposal.schedule
        if item.get("activity")
    )
    values["course"] = proposal.course.name
    values["track"] = str(Track(proposal.track).label)
    values["theme"] = proposal.theme.title if proposal.theme is not None else ""
    values["group_profile"] = jsonable(group_profile(proposal.group))
    values["budget"] = "\n".join(_line_text(line) for line in proposal.budget_lines.all())
    values["attachments"] = "\n".join(
        f"{a.get_kind_display()}：{a.original_name}" for a in proposal.attachments.all()
    )
    return values


@dataclass(frozen=True)
class FieldDiff:
    key: str
    label: str
    segments: list[tuple[str, str]]  # (equal | insert | delete, text)


def snapshot_labels() -> dict[str, str]:
    # PLAN_FIELDS name the model's own fields, never a reverse relation (which has no label).
    plan_fields = [cast("Field[Any, Any]", Proposal._meta.get_field(n)) for n in PLAN_FIELDS]
    labels = {field.name: str(field.verbose_name) for field in plan_fields}
    labels.update(
        {
            "course": _("コース"),
            "track": _("提案の種類"),
            "theme": _("市提案テーマ"),
            "budget": _("収支予算"),
            "attachments": _("添付書類"),
            "group_profile": _("団体の情報"),
        }
    )
    return labels


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return "\n".join(f"{k}：{_text(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "、".join(_text(v) for v in value)
    return "" if value is None else str(value)


def snapshot_rows(snapshot: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, text) for each field of a snapshot, in the editor's order."""
    return [
        (label, _text(snapshot.get(key)))
        for key, label in snapshot_labels().items()
        if key != "group_profile"
    ]


def _segments(a: str, b: str) -> list[tuple[str, str]]:
    """Character diff (Japanese has no spaces), with equal runs of one or two characters
    between changes folded into the change, so that a rewritten phrase reads as one."""
    chunks: list[list[str]] = []  # [kind, old, new]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        kind = "equal" if op == "equal" else "change"
        chunks.append([kind, a[i1:i2], b[j1:j2]])
    merged: list[list[str]] = []
    for index, chunk in enumerate(chunks):
        between_changes = 0 < index < len(chunks) - 1 and chunks[index + 1][0] == "change"
        if (
            chunk[0] == "equal"
            and len(chunk[1]) <= 2
            and between_changes
            and merged[-1:]
            and merged[-1][0] == "change"
        ):
            chunk = ["change", chunk[1], chunk[2]]
        if merged and merged[-1][0] == "change" and chunk[0] == "change":
            merged[-1][1] += chunk[1]
            merged[-1][2] += chunk[2]
        else:
            merged.append(chunk)
    segments: list[tuple[str, str]] = []
    for kind, old, new in merged:
        if kind == "equal":
            segments.append(("equal", old))
            continue
        if old:
            segments.append(("delete", old))
        if new:
            segments.append(("insert", new))
    return segments


def version_diff(old: dict[str, Any], new: dict[str, Any]) -> list[FieldDiff]:
    """Per changed field, the text as segments marked equal / delete / insert."""
    result = []
    for key, label in snapshot_labels().items():
        a, b = _text(old.get(key)), _text(new.get(key))
        if a == b:
            continue
        segments = _segments(a, b)
        result.append(FieldDiff(key, label, segments))
    return result


# --- the one transition service --------------------------------------------------------


@transaction.atomic
def proposal_transition(
    *,
    actor: User,
    proposal: Proposal,
    action: str,
    reason: str = "",
    today: dt.date | None = None,
) -> Proposal:
    # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the theme join.
    locked = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("group", "course", "call", "theme")
        .get(pk=proposal.pk)
    )
    authorize(actor, "proposals.transition", (locked, action))
    transition = workflow.TRANSITIONS[action]
    reason = reason.strip()
    if transition.needs_reason and not reason:
        raise TransitionRefused(_("理由を入力してください。"))
    today = today or timezone.localdate()
    before = locked.status
    now = timezone.now()
    fields = ["status", "updated_at"]

    if action == "submit":
        if locked.version_number == 0 and not locked.call.is_open(today):
            raise TransitionRefused(
                _("提案の受付期間（%(start)s〜%(end)s）ではありません。")
                % {"start": locked.call.opens_on, "end": locked.call.closes_on}
            )
        report = proposal_eligibility(locked, today)
        if not report.ok:
            raise TransitionRefused(
                _("応募の要件を満たしていないため、提出できません。"), report=report
            )
        locked.version_number += 1
        locked.submitted_at = now
        locked.group_profile = jsonable(group_profile(locked.group))
        locked.return_reason = ""
        fields += ["version_number", "submitted_at", "group_profile", "return_reason"]
    elif action in ("return", "revise"):
        locked.return_reason = reason
        fields.append("return_reason")
    elif action == "stop":
        locked.stop_reason = reason
        fields.append("stop_reason")
    elif action == "schedule":
        # The center is one of the four parties: from here on it follows the proposal.
        locked.center_involved = True
        fields.append("center_involved")

    locked.status = transition.target
    locked.save(update_fields=fields)
    if action == "submit":
        ProposalVersion.objects.create(
            proposal=locked,
            number=locked.version_number,
            snapshot=proposal_snapshot(locked),
            submitted_by=actor,
            submitted_at=now,
        )
    audit_record(
        actor=actor,
        action=f"proposal.{action}",
        target=locked,
        summary=reason,
        changes={"status": [before, locked.status]},
    )
    _notify_transition(locked, action, reason)
    return locked


def _notify_transition(proposal: Proposal, action: str, reason: str) -> None:
    if not workflow.TRANSITIONS[action].notify:
        return  # the service driving this move sends its own message (review's notices)
    state = workflow.STATES[proposal.status]
    group_path = reverse("proposals:detail", args=[proposal.pk])
    context = {"proposal": proposal, "reason": reason, "state": state.group_label}
    if action in ("submit", "withdraw"):
        to = [audience("office")]
        context["state"] = state.staff_label
    else:
        to = [audience("group", proposal.group)]
        if action in ("schedule", "proceed", "revise", "stop"):
            to.append(
                audience(
                    "section",
                    proposal.section_id
                    or (proposal.theme.section_id if proposal.theme is not None else None),
                )
            )
        if action == "schedule":
            to.append(audience("center"))
    notify(
        to=to,
        subject=mail_subject(
            gettext_noop("【協働】提案「%(title)s」：%(state)s"),
            title=proposal.title,
            state=context["state"],
        ),
        template="proposals/email/transition.txt",
        context={**context, "path": group_path},
    )


# --- four-party consultation -----------------------------------------------------------


@transaction.atomic
def fourparty_schedule(
    *,
    actor: User,
    proposal: Proposal,
    scheduled_at: dt.datetime,
    place: str = "",
    participants: str = "",
) -> FourPartyConsultation:
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    authorize(actor, "proposals.consult", proposal)
    if proposal.status not in (workflow.ACCEPTED, workflow.CONSULTATION):
        raise TransitionRefused(_("この状態の提案には4者協議を設定できません。"))
    meeting = FourPartyConsultation.objects.create(
        proposal=proposal,
        scheduled_at=scheduled_at,
        place=place,
        participants=participants,
        scheduled_by=actor,
    )
    if proposal.status == workflow.ACCEPTED:
        proposal_transition(actor=actor, proposal=proposal, action="schedule")
    else:
        audit_record(actor=actor, action="fourparty.schedule", target=proposal)
    return meeting


# Keyed by str: the outcome arrives as the form's plain string (TextChoices compare equal).
OUTCOME_ACTIONS: dict[str, str] = {
    FourPartyOutcome.PROCEED: "proceed",
    FourPartyOutcome.REVISE: "revise",
    FourPartyOutcome.STOP: "stop",
}


@transaction.atomic
def fourparty_record(
    *, actor: User, meeting: FourPartyConsultation, minutes: str, outcome: str, reason: str = ""
) -> FourPartyConsultation:
    locked = FourPartyConsultation.objects.select_for_update().get(pk=meeting.pk)
    authorize(actor, "proposals.consult", locked.proposal)
    if locked.outcome != FourPartyOutcome.PENDING:
        raise TransitionRefused(_("この4者協議の結果は記録済みです。"))
    if outcome not in OUTCOME_ACTIONS:
        raise TransitionRefused(_("結果を選んでください。"))
    locked.minutes = minutes
    locked.outcome = outcome
    locked.reason = reason.strip()
    locked.recorded_by = actor
    locked.recorded_at = timezone.now()
    locked.save(update_fields=["minutes", "outcome", "reason", "recorded_by", "recorded_at"])
    audit_record(
        actor=actor,
        action="fourparty.record",
        target=locked.proposal,
        summary=reason,
        changes={"outcome": [FourPartyOutcome.PENDING, outcome]},
    )
    proposal_transition(
        actor=actor, proposal=locked.proposal, action=OUTCOME_ACTIONS[outcome], reason=reason
    )
    return locked
