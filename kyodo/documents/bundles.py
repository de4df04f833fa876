"""What goes into each bundle, checked against the person who asked for it.

The committee pack holds every proposal of the call that the member may open
(review.open_proposal: no proposal of their own group, none with a declared conflict, none
undeclared), each page marked with the member's name. The dossier holds everything about
one proposal that the office may see: the consultation, the proposal, the four-party
minutes, every submitted score sheet and the notice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from kyodo.core.permissions import check
from kyodo.documents import registry
from kyodo.documents.layout import Bundle, Document, paragraph
from kyodo.documents.models import BuiltBundle, BundleKind
from kyodo.documents.types.common import nendo, safe_name
from kyodo.proposals import workflow
from kyodo.proposals.models import Proposal

Progress = Callable[[int, int], None]


def _document(key: str, pk: int, user: Any, *, checked: bool = False) -> Document | None:
    """The document of type `key` for record `pk`, or None when `user` may not have it.
    `checked`: the caller has already asked a predicate that decides (the committee pack
    asks review.open_proposal, which lets a member read a proposal proposals.view would not)."""
    from kyodo.documents.services import document_build

    doc_type = registry.get(key)
    record = doc_type.load(pk)
    if not checked and not check(doc_type.permission, user, doc_type.permission_object(record)):
        return None
    return document_build(doc_type=doc_type, record=record, actor=user)


def committee_pack_proposals(user: Any, committee: Any) -> list[Proposal]:
    """The proposals under review that `user` may open (the office: all of them)."""
    candidates = (
        Proposal.objects.filter(call_id=committee.call_id, status__in=workflow.REVIEW_STATES)
        .select_related("group", "call", "theme")
        .order_by("pk")
    )
    if check("review.manage", user):
        return list(candidates)
    return [p for p in candidates if check("review.open_proposal", user, p)]


def committee_pack(bundle: BuiltBundle, progress: Progress) -> Bundle:
    from kyodo.review.models import Committee

    user = bundle.requested_by
    committee = Committee.objects.select_related("call").get(pk=bundle.object_id)
    proposals = committee_pack_proposals(user, committee)
    documents = []
    progress(0, len(proposals))
    for i, proposal in enumerate(proposals, start=1):
        document = _document("proposal", proposal.pk, user, checked=True)
        if document is not None:
            documents.append(document)
        progress(i, len(proposals))
    name = user.full_name or user.email
    if not documents:
        documents.append(_nothing(_("審査資料一式"), _("いま審査できる提案はありません。")))
    return Bundle(
        filename=f"{nendo(committee.call.fiscal_year)}_{_('審査資料一式')}_{safe_name(name)}",
        documents=documents,
        confidential=_("%(name)s 様 閲覧用　取扱注意（選考委員会資料・複製禁止）") % {"name": name},
    )


def dossier(bundle: BuiltBundle, progress: Progress) -> Bundle:
    user = bundle.requested_by
    proposal = Proposal.objects.select_related("call", "group").get(pk=bundle.object_id)
    parts: list[tuple[str, int]] = []
    if proposal.consultation_id:
        parts.append(("consultation", proposal.consultation_id))
    parts.append(("proposal", proposal.pk))
    parts += [("fourparty", m.pk) for m in proposal.four_party_consultations.all()]
    parts += [
        ("score_sheet", s.pk)
        for s in proposal.score_sheets.filter(submitted_at__isnull=False).order_by(
            "round", "member__order", "pk"
        )
    ]
    if proposal.status in workflow.DECIDED_STATES:
        parts.append(("notice", proposal.pk))
    documents = []
    progress(0, len(parts))
    for i, (key, pk) in enumerate(parts, start=1):
        document = _document(key, pk, user)
        if document is not None:
            documents.append(document)
        progress(i, len(parts))
    if not documents:
        documents.append(_nothing(_("事業の記録一式"), _("見られる書類はありません。")))
    return Bundle(
        filename=f"{_('事業の記録一式')}_{safe_name(proposal.group.name)}_{safe_name(proposal.title)}",
        documents=documents,
    )


def _nothing(subject: str, text: str) -> Document:
    return Document(kind="empty", filename=subject, subject=subject, blocks=[paragraph(text)])


def build(bundle: BuiltBundle, *, progress: Progress) -> Bundle:
    if bundle.kind == BundleKind.COMMITTEE_PACK:
        return committee_pack(bundle, progress)
    return dossier(bundle, progress)
