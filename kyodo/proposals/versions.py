"""A proposal's versions: what submission freezes, and version against version for the
reader (on the shared snapshot-and-compare mechanism, kyodo.core.snapshots)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.db.models import Field
from django.utils.translation import gettext as _

from kyodo.accounts.models import User
from kyodo.audit.services import jsonable
from kyodo.core.snapshots import Row, SnapshotSpec, compare, plain_text
from kyodo.programmes.models import Track
from kyodo.proposals.models import Proposal, ProposalVersion
from kyodo.proposals.services import PLAN_FIELDS, budget_line_text
from kyodo.registry.services import group_profile


def proposal_snapshot(proposal: Proposal) -> dict[str, Any]:
    """Everything the committee will read, as plain data: what a version freezes."""
    values = jsonable({name: getattr(proposal, name) for name in PLAN_FIELDS})
    values["schedule"] = "\n".join(
        f"{item['month']}月：{item['activity']}"
        for item in proposal.schedule
        if item.get("activity")
    )
    values["course"] = proposal.course.name
    values["track"] = str(Track(proposal.track).label)
    values["theme"] = proposal.theme.title if proposal.theme is not None else ""
    values["group_profile"] = jsonable(group_profile(proposal.group))
    values["budget"] = "\n".join(budget_line_text(line) for line in proposal.budget_lines.all())
    values["attachments"] = "\n".join(
        f"{a.get_kind_display()}：{a.original_name}" for a in proposal.attachments.all()
    )
    return values


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


def snapshot_rows(snapshot: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, text) for each field of a snapshot, in the editor's order."""
    return [
        (label, plain_text(snapshot.get(key)))
        for key, label in snapshot_labels().items()
        if key != "group_profile"
    ]


SPEC = SnapshotSpec(labels=lambda: snapshot_labels())


def version_diff(old: dict[str, Any], new: dict[str, Any]) -> list[Row]:
    """Per changed field, the text as segments marked equal / delete / insert."""
    return [row for row in compare(SPEC, old, new) if row.changed]


def proposal_version_save(*, proposal: Proposal, actor: User, at: dt.datetime) -> ProposalVersion:
    """Freeze the proposal as submitted (kyodo.proposals.workflow: the submit move), with
    the attachments it was submitted with."""
    proposal.attachments.filter(frozen_in_version__isnull=True).update(
        frozen_in_version=proposal.version_number
    )
    return ProposalVersion.objects.create(
        proposal=proposal,
        number=proposal.version_number,
        snapshot=proposal_snapshot(proposal),
        submitted_by=actor,
        submitted_at=at,
    )
