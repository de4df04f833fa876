"""Writes of the documents app: issuing a document number, asking for a bundle, and the
bundle builder the background task runs."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kyodo.audit.services import audit_record
from kyodo.core.errors import DomainError
from kyodo.core.numbering import next_number
from kyodo.core.permissions import check
from kyodo.documents import pdf, word
from kyodo.documents.layout import Bundle, Document
from kyodo.documents.models import BuiltBundle, BundleKind, BundleStatus, IssuedNumber
from kyodo.documents.registry import DocumentType, Issue
from kyodo.japan.calendar import fiscal_year

FORMATS = ("pdf", "docx")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@transaction.atomic
def document_issue(*, doc_type: DocumentType, record: Any, actor: Any) -> Issue:
    """The number and date the document bears. A numbered type takes its number from the
    locked sequence the first time it is printed and keeps it."""
    today = timezone.localdate()
    if not doc_type.numbered:
        return Issue(issued_on=today)
    issued = IssuedNumber.objects.filter(kind=doc_type.key, object_id=record.pk).first()
    if issued is None:
        number = next_number(f"document.{doc_type.key}", fiscal_year(today))
        issued = IssuedNumber.objects.create(
            kind=doc_type.key,
            object_id=record.pk,
            number=_("第%(number)s号") % {"number": number},
            issued_on=today,
            issued_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            actor=actor,
            action="document.issue",
            target=record,
            summary=f"{doc_type.key} {issued.number}",
        )
    return Issue(number=issued.number, issued_on=issued.issued_on)


def document_build(*, doc_type: DocumentType, record: Any, actor: Any) -> Document:
    """The document's context. Official documents are in the city's language whatever the
    reader's screen language is."""
    issue = document_issue(doc_type=doc_type, record=record, actor=actor)
    with translation.override("ja"):
        return doc_type.build(record, issue)


def blank_build(*, doc_type: DocumentType) -> Document:
    assert doc_type.blank is not None
    with translation.override("ja"):
        return doc_type.blank()


def render(document: Document, fmt: str) -> bytes:
    return pdf.render(document) if fmt == "pdf" else word.render(document)


# --- bundles ---------------------------------------------------------------------------


@transaction.atomic
def bundle_request(*, actor: Any, kind: str, target: Any) -> BuiltBundle:
    """Ask for a committee pack (target: the committee) or a dossier (target: a proposal);
    the background task builds it after this transaction commits."""
    if kind == BundleKind.COMMITTEE_PACK:
        permission, title = (
            "documents.committee_pack",
            _("審査資料一式：%(name)s") % {"name": target.call.title},
        )
    elif kind == BundleKind.DOSSIER:
        permission, title = (
            "documents.dossier",
            _("事業の記録一式：%(name)s") % {"name": target.title},
        )
    else:
        raise DomainError(_("この種類の資料はありません。"))
    decision = check(permission, actor, target)
    if not decision:
        raise DomainError(decision.reason)
    bundle = BuiltBundle.objects.create(
        kind=kind, object_id=target.pk, title=title[:300], requested_by=actor
    )
    audit_record(actor=actor, action="document.bundle_request", target=bundle, summary=title)
    from kyodo.documents.tasks import build_bundle

    transaction.on_commit(lambda: build_bundle.enqueue(bundle.pk))
    return bundle


def _progress(bundle: BuiltBundle, done: int, total: int) -> None:
    bundle.done, bundle.total = done, total
    bundle.save(update_fields=["done", "total"])


def bundle_build(*, bundle: BuiltBundle) -> BuiltBundle:
    """Build the bundle's documents one by one (recording progress), print them as one PDF
    and store it. Runs in the background task; the person watches the progress page."""
    from kyodo.documents import bundles

    bundle.status = BundleStatus.BUILDING
    bundle.save(update_fields=["status"])
    try:
        with translation.override("ja"):
            result: Bundle = bundles.build(bundle, progress=lambda d, t: _progress(bundle, d, t))
            data = pdf.render_bundle(result)
    except Exception as exc:  # the person sees that it failed; the log keeps the trace
        bundle.status = BundleStatus.FAILED
        bundle.error = str(exc)[:2000]
        bundle.finished_at = timezone.now()
        bundle.save(update_fields=["status", "error", "finished_at"])
        raise
    with transaction.atomic():
        bundle.file.save(f"bundle-{bundle.pk}.pdf", ContentFile(data), save=False)
        bundle.filename = f"{result.filename}.pdf"
        bundle.status = BundleStatus.READY
        bundle.finished_at = timezone.now()
        bundle.save(update_fields=["file", "filename", "status", "finished_at"])
        audit_record(actor=None, action="document.bundle_ready", target=bundle)
    return bundle
