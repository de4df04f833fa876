"""Every write of the selection committee's work.

Status changes of proposals go through the workflow engine (the table in
kyodo.proposals.workflow); the committee's moves (advice, decision) can be started only by
these services (by_person=False), which write the record that justifies them (Advice,
CityDecision) first, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kyodo.accounts.models import User
from kyodo.audit.services import audit_record
from kyodo.core.errors import DomainError, create_once
from kyodo.core.events import audience, emit, mail_subject, notify, people
from kyodo.core.permissions import authorize
from kyodo.programmes.models import Call
from kyodo.proposals import workflow
from kyodo.proposals.models import Proposal
from kyodo.proposals.services import proposal_transition
from kyodo.registry.models import GroupMembership
from kyodo.review.models import (
    Advice,
    CityDecision,
    Committee,
    CommitteeMember,
    ConflictDeclaration,
    CriteriaSet,
    Criterion,
    MemberKind,
    Outcome,
    PassRule,
    PresentationSlot,
    Recommendation,
    Score,
    ScoreSheet,
)
from kyodo.review.permissions import presentation_ahead, presentation_wait_reason, seat_for
from kyodo.review.tallies import tallies_refresh


class ReviewRefused(DomainError):
    """A committee write that cannot happen now; `message` (and `errors` per field) say why."""

    def __init__(self, message: Any, errors: dict[str, Any] | None = None):
        super().__init__(message, errors=errors)


# --- the committee ---------------------------------------------------------------------


@transaction.atomic
def committee_create(
    *,
    actor: User,
    call: Call,
    criteria_set: CriteriaSet | None = None,
    name: str = "",
    document_deadline: dt.datetime | None = None,
    presentation_deadline: dt.datetime | None = None,
    presentation_place: str = "",
) -> Committee:
    authorize(actor, "review.manage")
    if Committee.objects.filter(call=call).exists():
        raise ReviewRefused(_("この募集の選考委員会はすでにあります。"))
    # Without a choice, the city's default criteria (a fresh install has no other).
    criteria_set = criteria_set or default_criteria_set()
    committee = create_once(
        lambda: Committee.objects.create(
            call=call,
            criteria_set=criteria_set,
            name=name or _("%(call)s 選考委員会") % {"call": call.title},
            document_deadline=document_deadline,
            presentation_deadline=presentation_deadline,
            presentation_place=presentation_place,
        ),
        message=_("この募集の選考委員会はすでにあります。"),
    )
    audit_record(actor=actor, action="committee.create", target=committee)
    return committee


@transaction.atomic
def committee_update(*, actor: User, committee: Committee, data: dict[str, Any]) -> Committee:
    authorize(actor, "review.manage")
    locked = Committee.objects.select_for_update().get(pk=committee.pk)
    fields = ["document_deadline", "presentation_deadline", "presentation_place"]
    changes = {}
    for name in fields:
        if name in data and getattr(locked, name) != data[name]:
            changes[name] = [getattr(locked, name), data[name]]
            setattr(locked, name, data[name])
    locked.save(update_fields=fields)
    audit_record(actor=actor, action="committee.update", target=locked, changes=changes)
    return locked


@transaction.atomic
def committee_add_member(
    *, actor: User, committee: Committee, user: User, kind: MemberKind, is_chair: bool = False
) -> CommitteeMember:
    authorize(actor, "review.manage")
    if CommitteeMember.objects.filter(committee=committee, user=user).exists():
        raise ReviewRefused(_("この方はすでに委員です。"), {"user": _("この方はすでに委員です。")})
    if is_chair:
        CommitteeMember.objects.filter(committee=committee, is_chair=True).update(is_chair=False)
    member = create_once(
        lambda: CommitteeMember.objects.create(
            committee=committee,
            user=user,
            kind=kind,
            is_chair=is_chair,
            order=committee.members.count() + 1,
        ),
        message=_("この方はすでに委員です。"),
        field="user",
    )
    audit_record(
        actor=actor,
        action="committee.member_add",
        target=committee,
        changes={"member": [None, f"{user.full_name} <{user.email}>（{kind}）"]},
    )
    _flag_group_conflicts(committee=committee, members=[member])
    return member


def _flag_group_conflicts(
    *,
    committee: Committee,
    members: list[CommitteeMember] | None = None,
    proposals: list[Proposal] | None = None,
) -> list[ConflictDeclaration]:
    """Record a conflict, automatically, for every member who belongs to a proposing group."""
    members = members if members is not None else list(committee.members.all())
    if proposals is None:
        proposals = list(
            Proposal.objects.filter(call_id=committee.call_id, status__in=workflow.REVIEW_STATES)
        )
    by_user = {m.user_id: m for m in members}
    groups = {p.group_id for p in proposals}
    belongs = set(
        GroupMembership.objects.filter(user_id__in=by_user, group_id__in=groups).values_list(
            "user_id", "group_id"
        )
    )
    made = []
    for proposal in proposals:
        for user_id, member in by_user.items():
            if (user_id, proposal.group_id) not in belongs:
                continue
            standing = ConflictDeclaration.objects.filter(
                member=member, proposal=proposal, revoked_at__isnull=True
            ).first()
            if standing is not None and standing.has_conflict:
                continue
            if standing is not None:
                standing.revoked_at = timezone.now()
                standing.revoke_reason = _("提案団体の構成員のため、自動で利害関係ありとしました。")
                standing.save(update_fields=["revoked_at", "revoke_reason"])
            declaration = ConflictDeclaration.objects.create(
                member=member,
                proposal=proposal,
                has_conflict=True,
                automatic=True,
                reason=_("提案団体の構成員です。"),
            )
            audit_record(
                actor=None,
                action="review.conflict_flag",
                target=proposal,
                summary=str(member),
                changes={"conflict": [None, True]},
            )
            made.append(declaration)
    tallies_refresh(proposals={d.proposal_id for d in made})
    return made


# --- committee member kinds (委員の区分) -------------------------------------------------------


@dataclass(frozen=True)
class KindRow:
    """One row of the member-kind table as typed: `pk` None for a new kind."""

    pk: int | None
    name: str
    name_en: str = ""
    order: int = 0
    usual_count: int = 1


@transaction.atomic
def member_kinds_save(*, actor: User, rows: list[KindRow]) -> list[MemberKind]:
    """Rename, reorder and add member kinds (a kind in use is never removed: members keep it)."""
    authorize(actor, "review.manage")
    kinds = {k.pk: k for k in MemberKind.objects.select_for_update()}
    final = {("kind", pk): k.name for pk, k in kinds.items()}  # every name after saving
    for n, row in enumerate(rows):
        if row.pk is not None and row.pk not in kinds:
            raise ReviewRefused(_("委員の区分が見つかりません。ページを開き直してください。"))
        if row.name.strip():
            final[("kind", row.pk) if row.pk is not None else ("new", n)] = row.name.strip()
    seen: set[str] = set()
    for name in final.values():
        if name in seen:
            message = _(
                "「%(name)s」が重なっています。区分の名称は重ならないようにしてください。"
            ) % {"name": name}
            index = next((i for i, r in enumerate(rows) if r.name.strip() == name), None)
            raise ReviewRefused(
                message, {f"form-{index}-name": message} if index is not None else {}
            )
        seen.add(name)
    saved = []
    # Renames that swap names pass through a temporary name: the column is unique.
    for row in rows:
        if row.pk is not None and row.name.strip() and kinds[row.pk].name != row.name.strip():
            kinds[row.pk].name = f"__renaming {row.pk}"
            kinds[row.pk].save(update_fields=["name"])
    for row in rows:
        name = row.name.strip()
        if not name:
            continue
        kind = kinds.get(row.pk) if row.pk is not None else None
        before = (kind.name, kind.name_en, kind.order, kind.usual_count) if kind else None
        if kind is None:
            kind = MemberKind(name=name)
        kind.name, kind.name_en = name, row.name_en.strip()
        kind.order, kind.usual_count = row.order, row.usual_count
        kind.save()
        after = (kind.name, kind.name_en, kind.order, kind.usual_count)
        if before != after:
            audit_record(
                actor=actor,
                action="review.member_kind_save",
                target=kind,
                changes={"kind": [str(before) if before else None, str(after)]},
            )
        saved.append(kind)
    return saved


# --- the criteria (審査基準) of a committee ---------------------------------------------------


def _unique_set_name(base: str) -> str:
    name, n = base[:190], 1
    while CriteriaSet.objects.filter(name=name).exists():
        n += 1
        name = f"{base[:180]}（{n}）"
    return name


def _copy_criteria_set(source: CriteriaSet, name: str) -> CriteriaSet:
    criteria = list(source.criteria.all())
    copy = CriteriaSet.objects.create(
        name=_unique_set_name(name),
        normalisation=source.normalisation,
        normalise_to=source.normalise_to,
        scale_min=source.scale_min,
        scale_max=source.scale_max,
        scale_labels=dict(source.scale_labels or {}),
        pass_rule=source.pass_rule,
        pass_line=source.pass_line,
        rounds=source.rounds,
    )
    Criterion.objects.bulk_create(
        Criterion(
            criteria_set=copy,
            key=c.key,
            name=c.name,
            question=c.question,
            weight=c.weight,
            scale_min=c.scale_min,
            scale_max=c.scale_max,
            allow_na=c.allow_na,
            order=c.order,
        )
        for c in criteria
    )
    return copy


def default_criteria_set() -> CriteriaSet:
    """The city's default criteria (programmes/data/kamakura.toml), made if missing."""
    from kyodo.review.seed import KAMAKURA_CRITERIA_NAME, seed_review

    found = CriteriaSet.objects.filter(name=KAMAKURA_CRITERIA_NAME).first()
    return found or seed_review()


def _own_criteria_set(committee: Committee) -> CriteriaSet:
    """The committee's criteria set, copied first when another committee shares it, so that
    editing it never changes another call's criteria."""
    current = committee.criteria_set
    if Committee.objects.filter(criteria_set=current).exclude(pk=committee.pk).exists():
        copy = _copy_criteria_set(current, _("%(name)s の審査基準") % {"name": committee.name})
        committee.criteria_set = copy
        committee.save(update_fields=["criteria_set"])
        return copy
    return current


@transaction.atomic
def criteria_choose(
    *, actor: User, committee: Committee, source: CriteriaSet | None
) -> CriteriaSet:
    """Give the committee a copy of `source` (the city's default when None) as its criteria."""
    locked = (
        Committee.objects.select_for_update().select_related("criteria_set").get(pk=committee.pk)
    )
    authorize(actor, "review.configure_criteria", locked)
    source = source or default_criteria_set()
    before = locked.criteria_set.name
    copy = _copy_criteria_set(source, _("%(name)s の審査基準") % {"name": locked.name})
    locked.criteria_set = copy
    locked.save(update_fields=["criteria_set"])
    audit_record(
        actor=actor,
        action="review.criteria_choose",
        target=locked,
        changes={"criteria_set": [before, f"{copy.name} ← {source.name}"]},
    )
    return copy


CRITERIA_SETTINGS = (
    "name",
    "scale_min",
    "scale_max",
    "scale_labels",
    "normalisation",
    "normalise_to",
    "pass_rule",
    "pass_line",
    "rounds",
)


@transaction.atomic
def criteria_settings_update(
    *, actor: User, committee: Committee, data: dict[str, Any]
) -> CriteriaSet:
    """The scale and its words, the 100-point conversion, the pass rule and line, rounds."""
    locked = (
        Committee.objects.select_for_update().select_related("criteria_set").get(pk=committee.pk)
    )
    authorize(actor, "review.configure_criteria", locked)
    errors: dict[str, Any] = {}
    low, high = data["scale_min"], data["scale_max"]
    if high <= low:
        errors["scale_max"] = _("最高点は最低点より大きくしてください。")
    labels = {str(k): v for k, v in (data.get("scale_labels") or {}).items() if v}
    outside = [k for k in labels if not low <= int(k) <= high]
    if outside and "scale_max" not in errors:
        errors["scale_labels"] = _("%(low)s〜%(high)s点の範囲の点数に書いてください。") % {
            "low": low,
            "high": high,
        }
    line = data.get("pass_line")
    if data["pass_rule"] != PassRule.NONE and line is None:
        errors["pass_line"] = _(
            "基準点を入れてください（基準点なしのときは「順位のみ」を選びます）。"
        )
    if (
        data["pass_rule"] == PassRule.MEAN_TOTAL
        and line is not None
        and line > data["normalise_to"]
    ):
        errors["pass_line"] = _("基準点は換算の満点（%(to)s点）以下にしてください。") % {
            "to": data["normalise_to"]
        }
    name = data["name"].strip()
    if CriteriaSet.objects.filter(name=name).exclude(pk=locked.criteria_set_id).exists():
        errors["name"] = _("この名称の審査基準はすでにあります。")
    if errors:
        raise ReviewRefused(_("審査基準に直すところがあります。"), errors)
    shown_name, shown_id = locked.criteria_set.name, locked.criteria_set_id
    criteria_set = _own_criteria_set(locked)
    if criteria_set.pk != shown_id and name == shown_name:
        name = criteria_set.name  # the copy keeps its own name: names are unique
    data = data | {"name": name, "scale_labels": labels}
    if data["pass_rule"] == PassRule.NONE:
        data["pass_line"] = None
    changes = {}
    for field in CRITERIA_SETTINGS:
        if getattr(criteria_set, field) != data[field]:
            changes[field] = [getattr(criteria_set, field), data[field]]
            setattr(criteria_set, field, data[field])
    criteria_set.save(update_fields=list(CRITERIA_SETTINGS))
    # Every criterion is scored on the set's scale (review.results reads it per criterion).
    criteria_set.criteria.update(scale_min=low, scale_max=high)
    audit_record(actor=actor, action="review.criteria_settings", target=locked, changes=changes)
    return criteria_set


@dataclass(frozen=True)
class CriterionRow:
    """One row of the criteria table as typed: `pk` None for a new criterion."""

    pk: int | None
    name: str
    question: str
    weight: Any  # Decimal
    order: int
    allow_na: bool = False
    delete: bool = False


@transaction.atomic
def criteria_update(*, actor: User, committee: Committee, rows: list[CriterionRow]) -> CriteriaSet:
    """Add, rename, reweight, reorder and remove criteria (at least one stays)."""
    locked = (
        Committee.objects.select_for_update().select_related("criteria_set").get(pk=committee.pk)
    )
    authorize(actor, "review.configure_criteria", locked)
    kept = [r for r in rows if not r.delete and (r.pk is not None or r.name.strip())]
    if not kept:
        raise ReviewRefused(_("審査項目を1つ以上残してください。"))
    # Rows refer to the shown set's criteria; after a copy, the same keys in the new set.
    shown = dict(
        Criterion.objects.filter(
            criteria_set_id=locked.criteria_set_id, pk__in=[r.pk for r in rows if r.pk]
        ).values_list("pk", "key")
    )
    criteria_set = _own_criteria_set(locked)
    existing = {c.key: c for c in criteria_set.criteria.all()}
    changes: dict[str, list[Any]] = {}
    used = set(existing)
    for row in rows:
        key = shown.get(row.pk) if row.pk else None
        if row.pk and (key is None or key not in existing):
            raise ReviewRefused(_("審査項目が見つかりません。ページを開き直してください。"))
        if row.delete and key:
            existing[key].delete()
            changes[key] = [existing[key].name, None]
            continue
        if not row.name.strip():
            continue
        criterion = existing.get(key) if key else None
        if criterion is None:
            n = len(used) + 1
            while f"c{n}" in used:
                n += 1
            key = f"c{n}"
            used.add(key)
            criterion = Criterion(
                criteria_set=criteria_set,
                key=key,
                scale_min=criteria_set.scale_min,
                scale_max=criteria_set.scale_max,
            )
        before = (
            criterion.name,
            criterion.question,
            criterion.weight,
            criterion.order,
            criterion.allow_na,
        )
        criterion.name = row.name.strip()
        criterion.question = row.question.strip()
        criterion.weight = row.weight
        criterion.order = row.order
        criterion.allow_na = row.allow_na
        after = (
            criterion.name,
            criterion.question,
            criterion.weight,
            criterion.order,
            criterion.allow_na,
        )
        if before != after:
            changes[criterion.key] = [str(before), str(after)]
        criterion.save()
    audit_record(actor=actor, action="review.criteria_update", target=locked, changes=changes)
    return criteria_set


# --- proposals into review ---------------------------------------------------------------


@transaction.atomic
def review_start(*, actor: User, proposal: Proposal) -> Proposal:
    proposal = proposal_transition(actor=actor, proposal=proposal, action="review_start")
    committee = Committee.objects.get(call_id=proposal.call_id)
    _flag_group_conflicts(committee=committee, proposals=[proposal])
    return proposal


@transaction.atomic
def review_start_all(*, actor: User, committee: Committee) -> int:
    authorize(actor, "review.manage")
    ready = Proposal.objects.filter(
        call_id=committee.call_id, status=workflow.READY_FOR_REVIEW
    ).order_by("pk")
    count = 0
    for proposal in ready:
        review_start(actor=actor, proposal=proposal)
        count += 1
    return count


# --- conflicts of interest -----------------------------------------------------------------


@transaction.atomic
def declaration_make(
    *, actor: User, proposal: Proposal, has_conflict: bool, reason: str = ""
) -> ConflictDeclaration:
    authorize(actor, "review.declare", proposal)
    member = seat_for(actor, proposal.call_id)
    reason = reason.strip()
    automatic = GroupMembership.objects.filter(user=actor, group_id=proposal.group_id).exists()
    if automatic:
        has_conflict, reason = True, reason or _("提案団体の構成員です。")
    if has_conflict and not reason:
        raise ReviewRefused(
            _("利害関係の内容を書いてください。"),
            {"reason": _("利害関係の内容を書いてください。")},
        )
    declaration = create_once(
        lambda: ConflictDeclaration.objects.create(
            member=member,
            proposal=proposal,
            has_conflict=has_conflict,
            reason=reason if has_conflict else "",
            automatic=automatic,
        ),
        message=_("この提案の利害関係は申告済みです。"),
    )
    audit_record(
        actor=actor,
        action="review.declare",
        target=proposal,
        summary=reason if has_conflict else "",
        changes={"conflict": [None, has_conflict]},
    )
    tallies_refresh(proposals=[proposal])
    return declaration


@transaction.atomic
def declaration_revoke(
    *, actor: User, declaration: ConflictDeclaration, reason: str
) -> ConflictDeclaration:
    authorize(actor, "review.manage")
    locked = ConflictDeclaration.objects.select_for_update().get(pk=declaration.pk)
    if locked.revoked_at is not None:
        raise ReviewRefused(_("この申告はすでに取り消されています。"))
    reason = reason.strip()
    if not reason:
        raise ReviewRefused(
            _("取消しの理由を書いてください。"), {"reason": _("取消しの理由を書いてください。")}
        )
    locked.revoked_at = timezone.now()
    locked.revoked_by = actor
    locked.revoke_reason = reason
    locked.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit_record(
        actor=actor,
        action="review.declaration_revoke",
        target=locked.proposal,
        summary=reason,
        changes={"declaration": [locked.has_conflict, None], "member": [str(locked.member), None]},
    )
    tallies_refresh(proposals=[locked.proposal_id])
    notify(
        to=[people(locked.member.user)],
        subject=mail_subject(gettext_noop("【協働】利害関係の申告が取り消されました")),
        template="review/email/declaration_revoked.txt",
        context={
            "declaration": locked,
            "path": reverse("review:declare", args=[locked.proposal_id]),
        },
    )
    return locked


# --- scoring -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    value: int | None
    not_applicable: bool = False
    comment: str = ""


@transaction.atomic
def sheet_save(
    *,
    actor: User,
    proposal: Proposal,
    round_number: int,
    answers: dict[int, Answer],
    comment: str = "",
    submit: bool = False,
) -> ScoreSheet:
    """Save a member's sheet as a draft, or submit it (complete, counted in the results).

    Until the round's deadline a member may change a submitted sheet; saving it as a draft
    takes it out of the results until it is submitted again."""
    authorize(actor, "review.score", (proposal, round_number))
    member = seat_for(actor, proposal.call_id)
    criteria = list(member.committee.criteria_set.criteria.all())
    errors: dict[str, str] = {}
    for criterion in criteria:
        answer = answers.get(criterion.pk, Answer(None))
        field = f"c{criterion.pk}"
        if answer.not_applicable and not criterion.allow_na:
            errors[field] = _("この項目は「該当なし」にできません。")
        elif answer.value is not None and not (
            criterion.scale_min <= answer.value <= criterion.scale_max
        ):
            errors[field] = _("%(min)s〜%(max)s点で採点してください。") % {
                "min": criterion.scale_min,
                "max": criterion.scale_max,
            }
        elif answer.value is not None and answer.not_applicable:
            errors[field] = _("点数と「該当なし」は同時に選べません。")
        elif submit and answer.value is None and not answer.not_applicable:
            errors[field] = _("提出するには、すべての項目を採点してください。")
    if errors:
        raise ReviewRefused(_("採点票に直すところがあります。"), errors)
    sheet, _created = ScoreSheet.objects.select_for_update().get_or_create(
        member=member, proposal=proposal, round=round_number
    )
    was_submitted = sheet.submitted_at is not None
    sheet.comment = comment.strip()
    sheet.submitted_at = timezone.now() if submit else None
    sheet.save(update_fields=["comment", "submitted_at", "updated_at"])
    existing = {s.criterion_id: s for s in sheet.scores.all()}
    for criterion in criteria:
        answer = answers.get(criterion.pk, Answer(None))
        score = existing.get(criterion.pk) or Score(sheet=sheet, criterion=criterion)
        score.value = answer.value
        score.not_applicable = answer.not_applicable
        score.comment = answer.comment.strip()
        if score.pk:
            score.save(update_fields=["value", "not_applicable", "comment"])
        else:
            score.save()
    # The values stay out of the audit log: individual scores are the office's to see.
    audit_record(
        actor=actor,
        action="review.sheet_submit" if submit else "review.sheet_save",
        target=proposal,
        summary=_("第%(n)s回の採点") % {"n": round_number},
        changes={"submitted": [was_submitted, submit]},
    )
    tallies_refresh(proposals=[proposal])
    return sheet


# --- presentation ------------------------------------------------------------------------


@transaction.atomic
def slot_set(
    *,
    actor: User,
    committee: Committee,
    proposal: Proposal,
    order: int,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    room: str = "",
) -> PresentationSlot:
    authorize(actor, "review.manage")
    if proposal.call_id != committee.call_id:
        raise ReviewRefused(_("この提案はこの委員会の審査の対象ではありません。"))
    if ends_at <= starts_at:
        raise ReviewRefused(
            _("終了は開始より後にしてください。"),
            {"ends_at": _("終了は開始より後にしてください。")},
        )
    slot, created = PresentationSlot.objects.update_or_create(
        proposal=proposal,
        defaults={
            "committee": committee,
            "order": order,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "room": room or committee.presentation_place,
        },
    )
    audit_record(
        actor=actor,
        action="review.slot_set",
        target=proposal,
        changes={"slot": [None, f"{order} {starts_at.isoformat()} {room}"]},
    )
    return slot


@transaction.atomic
def schedule_publish(*, actor: User, committee: Committee) -> Committee:
    authorize(actor, "review.manage")
    locked = Committee.objects.select_for_update().get(pk=committee.pk)
    locked.schedule_published_at = timezone.now()
    locked.save(update_fields=["schedule_published_at"])
    audit_record(actor=actor, action="review.schedule_publish", target=locked)
    return locked


# --- advice, decision, budget, publication ---------------------------------------------------


@transaction.atomic
def advice_record(
    *,
    actor: User,
    proposal: Proposal,
    recommendation: str,
    note: str = "",
    review_comment: str = "",
) -> Advice:
    authorize(actor, "review.manage")
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != workflow.IN_REVIEW:
        raise ReviewRefused(_("答申は審査中の提案にだけ記録できます。"))
    slot = presentation_ahead(locked)
    if slot is not None:
        raise ReviewRefused(_("答申は、%(when)s") % {"when": presentation_wait_reason(slot)})
    if recommendation not in Recommendation.values:
        raise ReviewRefused(
            _("答申の内容を選んでください。"), {"recommendation": _("選んでください。")}
        )
    advice = Advice.objects.create(
        proposal=locked,
        recommendation=recommendation,
        note=note.strip(),
        review_comment=review_comment.strip(),
        recorded_by=actor,
    )
    proposal_transition(actor=actor, proposal=locked, action="advise", reason=note, by_service=True)
    return advice


def _verdict(proposal: Proposal) -> bool | None:
    """The pass rule's verdict on the proposal's figures (None: no rule, or no score)."""
    from kyodo.review import selectors

    committee = Committee.objects.select_related("criteria_set").get(call_id=proposal.call_id)
    data = selectors.committee_results(committee)
    row = next((r for r in data.rows if r.proposal.pk == proposal.pk), None)
    return row.result.passed if row is not None else None


# Keyed by str: the outcome arrives as the form's plain string (TextChoices compare equal).
OUTCOME_ACTIONS: dict[str, str] = {
    Outcome.ADOPTED: "adopt",
    Outcome.ADOPTED_WITH_CONDITIONS: "adopt_with_conditions",
    Outcome.NOT_ADOPTED: "not_adopt",
}


@transaction.atomic
def decision_record(
    *,
    actor: User,
    proposal: Proposal,
    outcome: str,
    conditions: str = "",
    reason: str = "",
    rule_reason: str = "",
) -> CityDecision:
    """Record the city's decision. A decision against the pass rule (adopting a proposal
    under the pass line, or not adopting one at or above it) needs `rule_reason`, which the
    results page publishes."""
    authorize(actor, "review.manage")
    locked = Proposal.objects.select_for_update().select_related("group").get(pk=proposal.pk)
    if locked.status != workflow.ADVISED:
        raise ReviewRefused(_("市の決定は答申の後に記録します。"))
    conditions, reason = conditions.strip(), reason.strip()
    if outcome not in OUTCOME_ACTIONS:
        raise ReviewRefused(_("決定を選んでください。"), {"outcome": _("選んでください。")})
    if outcome == Outcome.ADOPTED_WITH_CONDITIONS and not conditions:
        raise ReviewRefused(
            _("採択の条件を書いてください。"), {"conditions": _("条件を書いてください。")}
        )
    if outcome == Outcome.NOT_ADOPTED and not reason:
        raise ReviewRefused(
            _("不採択の理由を書いてください。"), {"reason": _("理由を書いてください。")}
        )
    rule_reason = rule_reason.strip()
    passed = _verdict(locked)
    if passed is not None and passed != (outcome != Outcome.NOT_ADOPTED) and not rule_reason:
        message = (
            _("基準点に達した提案を不採択にするには、その理由を書いてください（公表します）。")
            if passed
            else _(
                "基準点に達していない提案を採択するには、その理由を書いてください（公表します）。"
            )
        )
        raise ReviewRefused(message, {"rule_reason": message})
    decision = CityDecision.objects.create(
        proposal=locked,
        outcome=outcome,
        conditions=conditions if outcome == Outcome.ADOPTED_WITH_CONDITIONS else "",
        reason=reason if outcome == Outcome.NOT_ADOPTED else "",
        rule_reason=rule_reason
        if passed is not None and passed != (outcome != Outcome.NOT_ADOPTED)
        else "",
        decided_by=actor,
    )
    proposal_transition(
        by_service=True,
        actor=actor,
        proposal=locked,
        action=OUTCOME_ACTIONS[outcome],
        reason=conditions or reason,
    )
    if Committee.objects.filter(call_id=locked.call_id, budget_passed_on__isnull=False).exists():
        # The budget has passed already: the decision is final at once (確定), and the group
        # gets the one notice of the final decision.
        _finalise(decision, actor=actor, now=timezone.now())
        return decision
    notify(
        to=[audience("group", locked.group)],
        subject=mail_subject(
            gettext_noop("【協働】提案「%(title)s」の審査結果のお知らせ"), title=locked.title
        ),
        template="review/email/notice.txt",
        context={
            "proposal": locked,
            "decision": decision,
            "path": reverse("review:notice", args=[locked.pk]),
        },
    )
    return decision


def _finalise(decision: CityDecision, *, actor: User, now: dt.datetime) -> None:
    """The decision stops being provisional (確定): audited, announced as the domain event
    an adopted proposal becomes a project on (kyodo.projects.handlers), and told to the
    group."""
    decision.provisional = False
    decision.finalised_at = now
    decision.save(update_fields=["provisional", "finalised_at"])
    audit_record(
        actor=actor,
        action="review.decision_final",
        target=decision.proposal,
        changes={"provisional": [True, False]},
    )
    emit(
        "proposal.decision_final",
        obj=decision.proposal,
        actor=actor,
        payload={"outcome": decision.outcome},
    )
    notify(
        to=[audience("group", decision.proposal.group)],
        subject=mail_subject(
            gettext_noop("【協働】提案「%(title)s」の決定が確定しました"),
            title=decision.proposal.title,
        ),
        template="review/email/notice.txt",
        context={
            "proposal": decision.proposal,
            "decision": decision,
            "path": reverse("review:notice", args=[decision.proposal_id]),
        },
    )


@transaction.atomic
def budget_passed(
    *, actor: User, committee: Committee, passed_on: dt.date, reason: str = ""
) -> int:
    """The council passed the budget: every decision of the call stops being provisional.

    The date is not in the future. Once recorded, changing it is a correction that needs
    a reason, kept in the audit log."""
    authorize(actor, "review.manage")
    locked = Committee.objects.select_for_update().get(pk=committee.pk)
    if passed_on > timezone.localdate():
        message = _("予算の成立日に先の日付は入れられません。成立してから記録してください。")
        raise ReviewRefused(message, {"passed_on": message})
    before, reason = locked.budget_passed_on, reason.strip()
    if before is not None:
        if before == passed_on:
            message = _("記録済みの成立日と同じです。変えるときは正しい日付を入れてください。")
            raise ReviewRefused(message, {"passed_on": message})
        if not reason:
            message = _("記録済みの成立日を変えるには、理由を書いてください。")
            raise ReviewRefused(message, {"reason": message})
    locked.budget_passed_on = passed_on
    locked.save(update_fields=["budget_passed_on"])
    if before is not None:
        audit_record(
            actor=actor,
            action="review.budget_passed_change",
            target=locked,
            summary=reason,
            changes={"budget_passed_on": [before, passed_on]},
        )
        return 0
    now = timezone.now()
    decisions = list(
        CityDecision.objects.select_for_update()
        .filter(proposal__call_id=locked.call_id, provisional=True)
        .select_related("proposal__group")
    )
    for decision in decisions:
        _finalise(decision, actor=actor, now=now)
    audit_record(
        actor=actor,
        action="review.budget_passed",
        target=locked,
        changes={"budget_passed_on": [None, passed_on]},
    )
    return len(decisions)


@transaction.atomic
def results_publish(*, actor: User, committee: Committee, general_comment: str = "") -> Committee:
    authorize(actor, "review.manage")
    locked = Committee.objects.select_for_update().get(pk=committee.pk)
    if not CityDecision.objects.filter(proposal__call_id=locked.call_id).exists():
        raise ReviewRefused(_("市の決定を記録してから公表してください。"))
    locked.results_published_at = timezone.now()
    locked.general_comment = general_comment.strip()
    locked.save(update_fields=["results_published_at", "general_comment"])
    audit_record(actor=actor, action="review.results_publish", target=locked)
    return locked
