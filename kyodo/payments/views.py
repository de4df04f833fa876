"""Pages of a year's money: the steps sent from the project page's お金 section, the moves
(buttons), the office's list of payments due, and a year's settlement (収支決算書): its
comparison with the approved budget, its table, its receipts. Thin: each calls one
service."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django import forms as django_forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kyodo.core.confirm import confirmation, needs_confirmation
from kyodo.core.errors import DomainError, form_error
from kyodo.core.files import stored_file_response
from kyodo.core.http import AuthenticatedHttpRequest
from kyodo.core.moves import make_move, person_transition, posted_form
from kyodo.core.permissions import authorize, check
from kyodo.payments import forms, selectors, services, workflow
from kyodo.payments.models import Funding, Payment, ReceiptFile
from kyodo.programmes.selectors import expense_categories
from kyodo.proposals.forms import BudgetTables

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
    transition = person_transition(workflow.FUNDING, action)
    authorize(request.user, "payments.move_funding", (funding, action))
    # The results report's moves are made from the settlement's page, and go back to it.
    on_settlement = action in SETTLEMENT_ACTIONS
    form = posted_form(request, transition, scope=f"funding-{funding.pk}")
    if form is not None and not form.is_valid():
        if on_settlement:
            return _settlement_page(request, funding, reason_form=form)
        return _back_to_project(request, funding, reason_form=form)
    make_move(
        request,
        transition,
        form,
        lambda reason: services.funding_transition(
            actor=request.user, funding=funding, action=action, reason=reason
        ),
    )
    if on_settlement:
        return redirect("payments:settlement", pk=funding.pk)
    return redirect("projects:detail", pk=funding.segment.project_id)


SETTLEMENT_ACTIONS = {"pass_report", "return_report", "accept_report", "department_return_report"}


@require_POST  # 405 before the log-in check, for everyone
@login_required
def payment_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    payment = get_object_or_404(
        Payment.objects.select_related("funding__segment__project__group"), pk=pk
    )
    authorize(request.user, "payments.view", payment.funding)
    transition = person_transition(workflow.PAYMENT, action)
    authorize(request.user, "payments.move_payment", (payment, action))
    form = posted_form(
        request,
        transition,
        scope=f"payment-{payment.pk}",
        forms={"pay": partial(forms.PayForm, payment=payment)},
    )
    if form is not None and not form.is_valid():
        return _back_to_project(request, payment.funding, payment_form=form)
    make_move(
        request,
        transition,
        form,
        lambda reason: services.payment_transition(
            actor=request.user,
            payment=payment,
            action=action,
            reason=reason,
            paid_on=form.cleaned_data.get("paid_on") if form is not None else None,
        ),
    )
    return redirect("projects:detail", pk=payment.funding.segment.project_id)


@login_required
def due_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    authorize(request.user, "payments.due_list")
    page = Paginator(selectors.payments_due(), settings.KYODO_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "payments/due_list.html", {"page": page})


# --- the settlement (収支決算書) ----------------------------------------------------------------


def _settlement_page(
    request: AuthenticatedHttpRequest,
    funding: Funding,
    *,
    notes_form: forms.DifferenceNotesForm | None = None,
    receipt_form: forms.ReceiptForm | None = None,
    reason_form: Any = None,
    status: int = 200,
) -> HttpResponse:
    settlement = selectors.settlement_of(funding)
    editable = bool(check("payments.edit_settlement", request.user, funding))
    actions = [
        t
        for t in workflow.FUNDING.actions_for(request.user, funding)
        if t.action in SETTLEMENT_ACTIONS
    ]
    if editable and notes_form is None:
        notes_form = forms.DifferenceNotesForm(rows=settlement.flagged, prefix="notes")
    if editable and receipt_form is None:
        receipt_form = forms.ReceiptForm(lines=settlement.expense_lines, prefix="receipt")
    context = {
        "funding": funding,
        "project": funding.segment.project,
        "settlement": settlement,
        "state": workflow.FUNDING.state_of(funding),
        "editable": editable,
        "may_submit": editable and funding.status == workflow.DECIDED,
        "notes_form": notes_form if editable and settlement.flagged else None,
        "receipt_form": receipt_form,
        "moves": selectors.funding_moves(funding, actions, posted=reason_form),
        "course": funding.segment.project.course,
    }
    return render(request, "payments/settlement.html", context, status=status)


@require_safe  # 405 before the log-in check, for everyone
@login_required
def settlement(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The 収支決算書 beside the approved budget, its receipts, and the moves on it."""
    return _settlement_page(request, _funding(request, pk))


@require_POST  # 405 before the log-in check, for everyone
@login_required
def settlement_notes(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The group's explanations of the lines over the threshold."""
    funding = _funding(request, pk)
    authorize(request.user, "payments.edit_settlement", funding)
    rows = selectors.settlement_of(funding).flagged
    form = forms.DifferenceNotesForm(request.POST, rows=rows, prefix="notes")
    if form.is_valid():
        try:
            services.settlement_explain(actor=request.user, funding=funding, notes=form.notes())
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("差額の説明を保存しました。"))
            return redirect("payments:settlement", pk=funding.pk)
    return _settlement_page(request, funding, notes_form=form)


@login_required
def settlement_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The group's table of actual income and expenses: the proposal's budget form."""
    funding = _funding(request, pk)
    authorize(request.user, "payments.edit_settlement", funding)
    segment = funding.segment
    lines = list(funding.settlement_lines.all())
    if not lines:
        # A first settlement starts from the year's budget: the same sources and expense
        # lines, their amounts left for the group to fill in with what was actually spent.
        lines = selectors.settlement_starting_rows(funding)
    tables = BudgetTables.for_year(
        request.POST if request.method == "POST" else None,
        year=segment.year_index,
        lines=lines,
        categories=expense_categories(segment.project.course.programme_id),
    )
    failed = False
    if request.method == "POST":
        add = request.POST.get("add_row", "")
        if add:  # 行を追加 without JavaScript: nothing is saved, every typed cell stays
            tables.add_row(add)
        elif tables.is_valid():
            services.settlement_replace(actor=request.user, funding=funding, lines=tables.lines())
            messages.success(request, _("収支決算を保存しました。"))
            return redirect("payments:settlement", pk=funding.pk)
        else:
            failed = True
    context = {
        "funding": funding,
        "project": segment.project,
        "tables": tables,
        "errors": tables.error_summary() if failed else [],
    }
    return render(request, "payments/settlement_edit.html", context)


@require_POST  # 405 before the log-in check, for everyone
@login_required
def settlement_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    funding = _funding(request, pk)
    authorize(request.user, "payments.edit_settlement", funding)
    if needs_confirmation(request):
        return confirmation(
            request,
            title=_("収支決算書の提出"),
            question=_("収支決算書を実績報告として提出しますか。"),
            consequences=[
                _("支出の合計が、この年度の実際にかかった事業費になります。"),
                _("提出した後は、差し戻されるまで直せません。"),
            ],
            button=_("提出する"),
            cancel_url=reverse("payments:settlement", args=[funding.pk]),
        )
    try:
        services.settlement_submit(actor=request.user, funding=funding)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("収支決算書を提出しました。"))
    return redirect("payments:settlement", pk=funding.pk)


@require_POST  # 405 before the log-in check, for everyone
@login_required
def receipt_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    funding = _funding(request, pk)
    authorize(request.user, "payments.edit_settlement", funding)
    lines = selectors.settlement_of(funding).expense_lines
    form = forms.ReceiptForm(request.POST, request.FILES, lines=lines, prefix="receipt")
    if form.is_valid():
        data = dict(form.cleaned_data)
        line_pk = data.pop("line")
        upload = data.pop("file")
        line = next((line for line in lines if line.pk == line_pk), None)
        try:
            services.receipt_add(
                actor=request.user, funding=funding, upload=upload, line=line, **data
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("領収書を追加しました。"))
            return redirect("payments:settlement", pk=funding.pk)
    return _settlement_page(request, funding, receipt_form=form)


@login_required
def receipt_file(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    record = get_object_or_404(
        ReceiptFile.objects.select_related("receipt__funding__segment__project__group"), pk=pk
    )
    authorize(request.user, "payments.view", record.receipt.funding)
    return stored_file_response(record)
