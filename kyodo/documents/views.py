"""Downloads of documents (PDF and Word), the blank forms, and the bundles."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from kyodo.core.errors import DomainError
from kyodo.core.http import AuthenticatedHttpRequest
from kyodo.core.once import once_per_submit
from kyodo.core.permissions import NotAllowed, authorize, deny
from kyodo.documents import registry, services
from kyodo.documents.http import attachment
from kyodo.documents.models import BuiltBundle, BundleKind, BundleStatus
from kyodo.proposals.models import Proposal
from kyodo.review.models import Committee


def _format(fmt: str) -> str:
    if fmt not in services.FORMATS:
        raise Http404
    return fmt


@require_GET
def download(request: HttpRequest, key: str, pk: int, fmt: str) -> HttpResponse:
    """One record's document, to whoever the record's own predicate lets see it."""
    fmt = _format(fmt)
    doc_type = registry.get(key)
    record = doc_type.load(pk)
    authorize(request.user, doc_type.permission, doc_type.permission_object(record))
    document = services.document_build(doc_type=doc_type, record=record, actor=request.user)
    return attachment(
        services.render(document, fmt),
        filename=f"{document.filename}.{fmt}",
        fallback=f"{key}-{pk}.{fmt}",
        content_type=services.CONTENT_TYPES[fmt],
    )


@require_GET
def forms(request: HttpRequest) -> HttpResponse:
    """The blank forms, for people who work on paper."""
    return render(request, "documents/forms.html", {"types": registry.blank_types()})


@require_GET
def blank(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    fmt = _format(fmt)
    try:
        doc_type = registry.get(key)
    except KeyError:
        raise Http404 from None
    if doc_type.blank is None:
        raise Http404
    document = services.blank_build(doc_type=doc_type)
    return attachment(
        services.render(document, fmt),
        filename=f"{document.filename}.{fmt}",
        fallback=f"{key}-blank.{fmt}",
        content_type=services.CONTENT_TYPES[fmt],
    )


def _requested(request: AuthenticatedHttpRequest, kind: str, target: object) -> HttpResponse:
    try:
        bundle = services.bundle_request(actor=request.user, kind=kind, target=target)
    except DomainError as exc:
        raise NotAllowed(deny(exc.message)) from exc
    return redirect("documents:bundle", pk=bundle.pk)


@require_POST
@login_required
@once_per_submit(fallback="portal:dashboard")
def committee_pack(request: AuthenticatedHttpRequest, call_pk: int) -> HttpResponse:
    committee = get_object_or_404(Committee.objects.select_related("call"), call_id=call_pk)
    authorize(request.user, "documents.committee_pack", committee)
    return _requested(request, BundleKind.COMMITTEE_PACK, committee)


@require_POST
@login_required
@once_per_submit(fallback="portal:dashboard")
def dossier(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal, pk=pk)
    authorize(request.user, "documents.dossier", proposal)
    return _requested(request, BundleKind.DOSSIER, proposal)


@require_GET
@login_required
def bundle(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(BuiltBundle, pk=pk)
    authorize(request.user, "documents.bundle", item)
    return render(
        request,
        "documents/bundle.html",
        {"bundle": item, "working": item.status in (BundleStatus.QUEUED, BundleStatus.BUILDING)},
    )


@require_GET
@login_required
def bundle_file(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(BuiltBundle, pk=pk)
    authorize(request.user, "documents.bundle", item)
    if item.status != BundleStatus.READY or not item.file:
        raise Http404
    with item.file.open("rb") as handle:
        data = handle.read()
    return attachment(
        data,
        filename=item.filename,
        fallback=f"{item.kind}-{item.pk}.pdf",
        content_type="application/pdf",
    )
