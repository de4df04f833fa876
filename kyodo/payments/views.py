"""Pages of a year's money: the steps sent from the project page's お金 section, the moves
(buttons), and the office's list of payments due. Thin: each calls one service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kyodo.core.errors import DomainError, form_error
from kyodo.core.http import AuthenticatedHttpRequest
from kyodo.core.permissions import authorize
from kyodo.payments import forms, selectors, services, workflow
from kyodo.payments.models import Funding, Payment

Service = Callable[[Any, Funding, dict[str, Any]], Any]

STEPS: dict[str, tuple[type[django_forms.Form], Service]] = {
    "apply": (
        forms.ApplyForm,
        lambda a, f, d: services.funding_apply(actor=a, funding=f, **d),
    ),
    "decide": (
        forms.DecideForm,
        lambda a, f, d: services.funding_decide(actor=a, funding=f, **d),
    ),
    "advance": (
        forms.AdvanceForm,
        lambda a, f, d: services.advance_claim(actor=a, funding=f, **d),
    ),
    "change": (
        forms.ChangeForm,
        lambda a, f, d: services.change_request(actor=a, funding=f, **d),
    ),
    "report": (
        forms.ReportForm,
        lambda a, f, d: services.funding_report(actor=a, funding=f, **d),
    ),
    "receipt": (
        forms.ReceiptForm,
        lambda a, f, d: services.receipt_add(actor=a, funding=f, **d),
    ),
    "confirm": (
        forms.ConfirmForm,
        lambda a, f, d: services.funding_confirm(actor=a, funding=f, **d),
    ),
    "instalment": (
        forms.InstalmentForm,
        lambda a, f, d: services.instalment_set(actor=a, funding=f, **d),
    ),
}


def _funding(request: AuthenticatedHttpRequest, pk: int) -> Funding:
    funding = get_object_or_404(
        Funding.objects.select_related("segment__project__group", "segment__project__course"),
        pk=pk,
    )
    authorize(request.user, "payments.view", funding)
    return funding


def _back_to_project(request: AuthenticatedHttpRequest, funding: Funding, **given: Any) -> Any:
    from kyodo.projects.views import _detail_context, _project

    project = _project(request, funding.segment.project_id)
    context = _detail_context(request, project)
    context["money"] = selectors.money_for(request.user, project, given)
    return render(request, "projects/project_detail.html", context)


@require_POST  # 405 before the log-in check, for everyone
@login_required
def funding_step(request: AuthenticatedHttpRequest, pk: int, step: str) -> HttpResponse:
    funding = _funding(request, pk)
    if step not in STEPS:
        raise Http404
    form_class, service = STEPS[step]
    authorize(
        request.user,
        "payments.decide" if step in OFFICE_STEPS else "payments.act_as_group",
        funding,
    )
    form = form_class(request.POST, prefix=f"money-{funding.pk}-{step}")
    if form.is_valid():
        try:
            service(request.user, funding, form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("お金の手続きを記録しました。"))
            return redirect("projects:detail", pk=funding.segment.project_id)
    return _back_to_project(request, funding, **{f"{funding.pk}:{step}": form})


OFFICE_STEPS = {"decide", "confirm", "instalment"}


@require_POST  # 405 before the log-in check, for everyone
@login_required
def funding_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    funding = _funding(request, pk)
    transition = workflow.FUNDING.transitions.get(action)
    if transition is None or not transition.by_person:
        raise Http404
    authorize(request.user, "payments.decide", funding)
    reason = ""
    if transition.needs_reason:
        form = forms.ReasonForm(request.POST, prefix=f"reason-{funding.pk}-{action}")
        if not form.is_valid():
            messages.error(request, _("理由を入力してください。"))
            return redirect("projects:detail", pk=funding.segment.project_id)
        reason = form.cleaned_data["reason"]
    try:
        services.funding_transition(
            actor=request.user, funding=funding, action=action, reason=reason
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("「%(label)s」を行いました。") % {"label": transition.label})
    return redirect("projects:detail", pk=funding.segment.project_id)


@require_POST  # 405 before the log-in check, for everyone
@login_required
def payment_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    payment = get_object_or_404(
        Payment.objects.select_related("funding__segment__project__group"), pk=pk
    )
    authorize(request.user, "payments.view", payment.funding)
    transition = workflow.PAYMENT.transitions.get(action)
    if transition is None or not transition.by_person or transition.needs_reason:
        raise Http404
    authorize(request.user, "payments.move_payment", (payment, action))
    try:
        services.payment_transition(actor=request.user, payment=payment, action=action)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("「%(label)s」を行いました。") % {"label": transition.label})
    return redirect("projects:detail", pk=payment.funding.segment.project_id)


@login_required
def due_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    authorize(request.user, "payments.due_list")
    page = Paginator(selectors.payments_due(), settings.KYODO_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "payments/due_list.html", {"page": page})
