"""Who may have which document. Each document type reuses its record's own predicate
(registry.view_private, proposals.view, review.view_notice …); the few here add only what
the paper needs beyond the page: a certificate exists only for a registered group, a score
sheet belongs to its member and the office, a bundle to the person who asked for it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kyodo.accounts.models import Role
from kyodo.accounts.permissions import LOGIN_REQUIRED, is_person
from kyodo.core.permissions import ALLOW, Decision, check, deny, predicate
from kyodo.proposals import workflow


@predicate("documents.certificate")
def can_print_certificate(user: Any, group: Any) -> Decision:
    decision = check("registry.view_private", user, group)
    if not decision:
        return decision
    if not group.is_registered():
        return deny(_("この団体は現在登録されていないため、登録証は発行できません。"))
    return ALLOW


@predicate("documents.score_sheet")
def can_print_score_sheet(user: Any, sheet: Any) -> Decision:
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if check("review.view_individual_scores", user):
        return ALLOW
    if sheet.member.user_id == user.pk:
        # Their own scores: they could only write them with a standing "no conflict".
        return ALLOW
    return deny(_("採点票は、採点した委員と協働担当課だけが見られます。"))


@predicate("documents.committee_pack")
def can_build_committee_pack(user: Any, committee: Any) -> Decision:
    """A committee member of this call (the pack holds only what they may open), or the office."""
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if user.has_role(Role.OFFICE):
        return ALLOW
    from kyodo.review.permissions import seat_for

    if committee is not None and seat_for(user, committee.call_id) is not None:
        return ALLOW
    return deny(_("審査資料一式は、この選考委員会の委員と協働担当課が作成できます。"))


@predicate("documents.dossier")
def can_build_dossier(user: Any, proposal: Any) -> Decision:
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if not user.has_role(Role.OFFICE):
        return deny(_("事業の記録一式は協働担当課が作成します。"))
    if proposal is not None and proposal.status == workflow.DRAFT:
        return deny(_("下書きの提案には記録一式を作れません。"))
    return ALLOW


@predicate("documents.bundle")
def can_have_bundle(user: Any, bundle: Any) -> Decision:
    if not is_person(user):
        return deny(LOGIN_REQUIRED)
    if bundle is None or bundle.requested_by_id == user.pk:
        return ALLOW
    return deny(_("この資料は作成を依頼した人だけが受け取れます。"))
