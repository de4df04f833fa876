"""Pages for consultations and proposals: the group's editor, the office's intake and 4者協議.

Every object is loaded and then checked with the same predicate the templates use; ids in
forms are re-checked by the services, so a tampered id gets a 403 or 404, never data.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kyodo.core.confirm import confirmation, needs_confirmation
from kyodo.core.editing import EditConflict, keep_typed_after_conflict
from kyodo.core.errors import DomainError, form_error
from kyodo.core.exports import xlsx_response
from kyodo.core.files import stored_file_response
from kyodo.core.http import AuthenticatedHttpRequest, id_from
from kyodo.core.moves import make_move, move_prefix, person_transition, posted_form
from kyodo.core.permissions import authorize, check
from kyodo.core.workflow import Transition
from kyodo.programmes.models import Call, CityTheme
from kyodo.programmes.selectors import expense_categories
from kyodo.proposals import consultations, fourparty, selectors, services, workflow
from kyodo.proposals.forms import (
    AssignForm,
    AttachmentForm,
    BudgetTables,
    ConcludeForm,
    ConsultationForm,
    FourPartyRecordForm,
    FourPartyScheduleForm,
    MeetingForm,
    PlanForm,
    ProposalFilterForm,
    ProposalStartForm,
    ReasonForm,
)
from kyodo.proposals.models import (
    ConsultationSheet,
    FourPartyConsultation,
    FourPartyOutcome,
    IncomeSource,
    Proposal,
    ProposalAttachment,
)
from kyodo.proposals.versions import proposal_snapshot, snapshot_rows, version_diff
from kyodo.registry.models import CivicGroup, LegalForm
from kyodo.registry.services import group_profile

# The moves a group cannot take back, with what the confirmation page tells it.
IRREVERSIBLE = {  # lazy: read when a page is rendered, in the reader's language
    "submit": (
        gettext_lazy("この内容で提案書を提出しますか。"),
        [
            gettext_lazy("提出した版は記録され、市が受け付けた後は団体から変更できません。"),
            gettext_lazy("市から修正を求められたときは、新しい版として出し直します。"),
        ],
    ),
    "withdraw": (
        gettext_lazy("この提案を取り下げますか。"),
        [gettext_lazy("取り下げた提案は審査されず、元に戻せません。")],
    ),
}


def _proposal(request: HttpRequest, pk: int) -> Proposal:
    proposal = get_object_or_404(
        Proposal.objects.select_related("call", "course", "group", "theme__section", "section"),
        pk=pk,
    )
    authorize(request.user, "proposals.view", proposal)
    return proposal


def _call_from(request: HttpRequest) -> Call:
    """The call named in the request, or else the published call open today."""
    raw = request.GET.get("call") or request.POST.get("call")
    if not raw:
        today = timezone.localdate()
        call = (
            Call.objects.filter(is_published=True, opens_on__lte=today, closes_on__gte=today)
            .order_by("-fiscal_year", "-pk")
            .first()
        )
        if call is None:
            raise Http404
        return call
    return get_object_or_404(Call, pk=id_from(raw), is_published=True)


# --- consultations ---------------------------------------------------------------------


@login_required
def consultation_new(request: AuthenticatedHttpRequest, group_pk: int) -> HttpResponse:
    group = get_object_or_404(CivicGroup, pk=group_pk)
    authorize(request.user, "registry.act_for_group", group)
    call = _call_from(request)
    # From a theme's page the theme comes chosen (?theme=); a stale or foreign one is ignored.
    theme_id = id_from(request.GET.get("theme"))
    initial = {"theme": theme_id} if theme_id and call.themes.filter(pk=theme_id).exists() else {}
    form = ConsultationForm(request.POST or None, call=call, initial=initial)
    if request.method == "POST" and form.is_valid():
        sheet = consultations.consultation_create(
            actor=request.user, group=group, call=call, data=form.cleaned_data
        )
        messages.success(
            request, _("事前相談シートを送りました。センターと協働担当課から連絡します。")
        )
        return redirect("proposals:consultation", pk=sheet.pk)
    return render(
        request, "proposals/consultation_form.html", {"form": form, "group": group, "call": call}
    )


@login_required
def consultation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sheet = get_object_or_404(
        ConsultationSheet.objects.select_related(
            "group", "call", "theme", "wished_section", "assigned_section"
        ),
        pk=pk,
    )
    authorize(request.user, "proposals.view_consultation", sheet)
    can_manage = check("proposals.manage_consultation", request.user, sheet)
    context = {
        "sheet": sheet,
        "meetings": sheet.meetings.select_related("recorded_by"),
        "proposals": sheet.proposals.all(),
        "can_manage": can_manage,
        "can_record": check("proposals.record_consultation", request.user, sheet),
        "assign_form": AssignForm(initial={"section": sheet.assigned_section_id}),
        "meeting_form": MeetingForm(),
        "conclude_form": ConcludeForm(initial={"outcome": sheet.outcome}),
        "can_propose": check("registry.act_for_group", request.user, sheet.group),
    }
    return render(request, "proposals/consultation_detail.html", context)


@require_POST  # 405 before the log-in check, for everyone
@login_required
def consultation_manage(request: AuthenticatedHttpRequest, pk: int, step: str) -> HttpResponse:
    sheet = get_object_or_404(ConsultationSheet.objects.select_related("group"), pk=pk)
    forms_by_step = {"assign": AssignForm, "meeting": MeetingForm, "conclude": ConcludeForm}
    if step not in forms_by_step:
        raise Http404
    # The office and the center choose the department; it then records with them.
    can_manage = check("proposals.manage_consultation", request.user, sheet)
    authorize(
        request.user,
        "proposals.manage_consultation" if step == "assign" else "proposals.record_consultation",
        sheet,
    )
    form = forms_by_step[step](request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if step == "assign":
            consultations.consultation_assign(
                actor=request.user, sheet=sheet, section=data["section"]
            )
        elif step == "meeting":
            consultations.consultation_record_meeting(actor=request.user, sheet=sheet, data=data)
        else:
            consultations.consultation_conclude(
                actor=request.user, sheet=sheet, outcome=data["outcome"], note=data["note"]
            )
        messages.success(request, _("記録しました。"))
        return redirect("proposals:consultation", pk=sheet.pk)
    context = {
        "sheet": sheet,
        "meetings": sheet.meetings.select_related("recorded_by"),
        "proposals": sheet.proposals.all(),
        "can_manage": can_manage,
        "can_record": True,
        "assign_form": form if step == "assign" else AssignForm(),
        "meeting_form": form if step == "meeting" else MeetingForm(),
        "conclude_form": form if step == "conclude" else ConcludeForm(),
    }
    return render(request, "proposals/consultation_detail.html", context)


@login_required
def staff_consultations(request: AuthenticatedHttpRequest) -> HttpResponse:
    authorize(request.user, "proposals.staff_list")
    sheets = selectors.consultations_visible(request.user).order_by("-created_at")
    page = Paginator(sheets, settings.KYODO_PAGE_SIZE).get_page(request.GET.get("page"))
    calls = (
        Call.objects.filter(
            Q(consultations__in=sheets) | Q(proposals__four_party_consultations__isnull=False)
        )
        .distinct()
        .order_by("-fiscal_year", "-pk")
    )
    return render(request, "proposals/staff_consultations.html", {"page": page, "calls": calls})


@login_required
def call_consultations(request: AuthenticatedHttpRequest, call_pk: int) -> HttpResponse:
    """One table per call: every consultation and four-party meeting, sortable, to Excel."""
    authorize(request.user, "proposals.staff_list")
    call = get_object_or_404(Call, pk=call_pk)
    sort = request.GET.get("sort", "day")
    rows = selectors.call_consultations(request.user, call, sort=sort)
    columns = [
        ("kind", _("種類")),
        ("title", _("提案・相談の内容")),
        ("group", _("団体")),
        ("section", _("担当課")),
        ("day", _("日付")),
        ("outcome", _("結果")),
        ("reason", _("理由・メモ")),
    ]
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            filename=f"kyodo-consultations-{call.fiscal_year}-{call.pk}.xlsx",
            header=[str(label) for _key, label in columns],
            rows=([r.kind, r.title, r.group, r.section, r.day, r.outcome, r.reason] for r in rows),
            title=str(_("相談と4者協議")),
        )
    context = {
        "call": call,
        "rows": rows,
        "columns": columns,
        "sort": sort,
        "sortable": selectors.CALL_TABLE_SORTS,
    }
    return render(request, "proposals/call_consultations.html", context)


# --- the group's proposals -------------------------------------------------------------


@login_required
def group_proposals(request: AuthenticatedHttpRequest, group_pk: int) -> HttpResponse:
    group = get_object_or_404(CivicGroup, pk=group_pk)
    authorize(request.user, "proposals.group_page", group)
    context = {
        "group": group,
        "proposals": selectors.group_proposals([group.pk]),
        "consultations": group.consultations.select_related("call", "assigned_section"),
        "calls": Call.objects.filter(is_published=True, closes_on__gte=timezone.localdate()),
    }
    return render(request, "proposals/group_proposals.html", context)


@login_required
def proposal_new(request: AuthenticatedHttpRequest, group_pk: int) -> HttpResponse:
    group = get_object_or_404(CivicGroup, pk=group_pk)
    authorize(request.user, "proposals.create", group)
    call = _call_from(request)
    theme = None
    theme_id = id_from(request.GET.get("theme") or request.POST.get("theme"))
    if theme_id:
        theme = get_object_or_404(
            CityTheme.objects.select_related("section", "course"),
            pk=theme_id,
            call=call,
            status="published",
        )
    # From a consultation's page its sheet comes chosen (?consultation=); the form's own
    # choices (this group's sheets) still decide what may be chosen.
    consultation_id = id_from(request.GET.get("consultation"))
    initial = {"consultation": consultation_id} if consultation_id else {}
    form = ProposalStartForm(
        request.POST or None, call=call, group_id=group.pk, theme=theme, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_create(
                actor=request.user,
                group=group,
                call=call,
                course=form.cleaned_data["course"],
                title=form.cleaned_data["title"],
                theme=theme,
                consultation=form.cleaned_data.get("consultation"),
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("提案書の下書きを作りました。"))
            return redirect("proposals:edit", pk=proposal.pk)
    context = {"form": form, "group": group, "call": call, "theme": theme}
    return render(request, "proposals/proposal_new.html", context)


def _actions(user: Any, proposal: Proposal) -> list[Transition]:
    """The moves this person may start from the proposal's page (the four-party and committee
    steps have their own forms)."""
    return workflow.PROPOSAL.actions_for(user, proposal)


def _detail_context(request: HttpRequest, proposal: Proposal) -> dict[str, Any]:
    user = request.user
    is_staff_view = check("proposals.staff_list", user)
    report = (
        services.proposal_eligibility(proposal)
        if proposal.state.editable_by_owner or proposal.status == workflow.SUBMITTED
        else None
    )
    versions = list(proposal.versions.order_by("-number"))
    return {
        "proposal": proposal,
        "is_staff_view": is_staff_view,
        "state_label": proposal.state.staff_label if is_staff_view else proposal.state.group_label,
        "report": report,
        "rows": snapshot_rows(versions[0].snapshot if versions else proposal_snapshot(proposal)),
        "versions": versions,
        "budgets": services.year_budgets(proposal),
        "attachments": proposal.attachments.all(),
        "actions": _actions(user, proposal),
        "can_edit": check("proposals.edit", user, proposal),
        "can_intake": check("proposals.transition", user, (proposal, "return")),
        "can_schedule": check("proposals.schedule_fourparty", user, proposal),
        "fourparty": _meetings(proposal),
        "can_record": bool(check("proposals.record_fourparty", user, proposal))
        and proposal.status == workflow.CONSULTATION,
        "reason_form": ReasonForm(prefix=move_prefix("return")),
        "schedule_form": FourPartyScheduleForm(prefix="schedule"),
        "attachment_form": AttachmentForm(prefix="file"),
        "assign_form": AssignForm(prefix="assign", initial={"section": proposal.section_id}),
        "frozen_legal_form": dict(LegalForm.choices).get(
            proposal.group_profile.get("legal_form", ""), ""
        ),
        "can_assign": bool(check("proposals.intake", user, proposal)) and not proposal.state.final,
    }


def _meetings(
    proposal: Proposal, bound: FourPartyRecordForm | None = None, bound_pk: int | None = None
) -> list[FourPartyConsultation]:
    """The proposal's four-party meetings, each pending one with its own form: the minutes
    saved so far and their version (a bound form, with what was typed, for `bound_pk`)."""
    meetings = list(
        proposal.four_party_consultations.select_related("minutes_saved_by", "merged_into")
    )
    for m in meetings:
        if m.outcome != FourPartyOutcome.PENDING:
            continue
        m.record_form = (  # type: ignore[attr-defined]
            bound
            if bound is not None and m.pk == bound_pk
            else FourPartyRecordForm(
                prefix=f"record-{m.pk}",
                proposal=proposal,
                initial={"minutes": m.minutes, "version": m.version},
            )
        )
    return meetings


@login_required
def proposal_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    return render(request, "proposals/proposal_detail.html", _detail_context(request, proposal))


@login_required
def proposal_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    authorize(request.user, "proposals.edit", proposal)
    form = PlanForm(request.POST or None, initial=PlanForm.initial_for(proposal), proposal=proposal)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_update(
                actor=request.user,
                proposal=proposal,
                data=form.plan_data(),
                expected_version=form.cleaned_data.get("version"),
            )
        except EditConflict as exc:
            conflict = exc.current
            keep_typed_after_conflict(form, exc)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("下書きを保存しました。"))
            if "to_budget" in request.POST:
                return redirect("proposals:budget", pk=proposal.pk)
            return redirect("proposals:edit", pk=proposal.pk)
    context = {
        "proposal": proposal,
        "form": form,
        "conflict_rows": snapshot_rows(proposal_snapshot(conflict)) if conflict else None,
        "report": services.proposal_eligibility(proposal),
        "profile": group_profile(proposal.group),
    }
    return render(request, "proposals/proposal_edit.html", context)


@login_required
def proposal_budget(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    authorize(request.user, "proposals.edit", proposal)
    years = max(proposal.years, 1)
    lines = list(proposal.budget_lines.all())
    categories = expense_categories(proposal.call.programme_id)
    tables = BudgetTables.for_proposal(
        request.POST if request.method == "POST" else None,
        years=years,
        lines=lines,
        categories=categories,
    )
    failed = False
    if request.method == "POST":
        add = request.POST.get("add_row", "")
        if add:  # 行を追加 without JavaScript: nothing is saved, every typed cell stays
            tables.add_row(add)
        elif tables.is_valid():
            services.budget_replace(actor=request.user, proposal=proposal, lines=tables.lines())
            messages.success(request, _("収支予算を保存しました。"))
            return redirect("proposals:budget", pk=proposal.pk)
        else:
            failed = True
    context = {
        "proposal": proposal,
        "tables": tables,
        "errors": tables.error_summary() if failed else [],
        "budgets": services.year_budgets(proposal),
        "report": services.proposal_eligibility(proposal),
        "city_source": IncomeSource.CITY,
    }
    return render(request, "proposals/proposal_budget.html", context)


@require_POST  # 405 before the log-in check, for everyone
@login_required
def attachment_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    authorize(request.user, "proposals.edit", proposal)
    form = AttachmentForm(request.POST, request.FILES, prefix="file")
    if form.is_valid():
        try:
            services.attachment_add(
                actor=request.user,
                proposal=proposal,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, _("書類を添付しました。"))
            return redirect("proposals:detail", pk=proposal.pk)
    # Back to the page with the kind as chosen and the message at the field.
    context = _detail_context(request, proposal) | {"attachment_form": form}
    return render(request, "proposals/proposal_detail.html", context)


@require_POST  # 405 before the log-in check, for everyone
@login_required
def attachment_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    attachment = get_object_or_404(ProposalAttachment.objects.select_related("proposal"), pk=pk)
    authorize(request.user, "proposals.edit", attachment.proposal)
    if needs_confirmation(request):
        return confirmation(
            request,
            title=_("添付書類の削除"),
            question=_("「%(name)s」を削除しますか。") % {"name": attachment.original_name},
            button=_("削除する"),
            cancel_url=reverse("proposals:detail", args=[attachment.proposal_id]),
        )
    try:
        services.attachment_delete(actor=request.user, attachment=attachment)
    except DomainError as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("書類を削除しました。"))
    return redirect("proposals:detail", pk=attachment.proposal_id)


@login_required
def attachment_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(
        ProposalAttachment.objects.select_related("proposal__group", "proposal__theme"), pk=pk
    )
    authorize(request.user, "proposals.view", attachment.proposal)
    return stored_file_response(attachment)


@require_POST  # 405 before the log-in check, for everyone
@login_required
def proposal_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    proposal = _proposal(request, pk)
    transition = person_transition(workflow.PROPOSAL, action)
    authorize(request.user, "proposals.transition", (proposal, action))
    if action in IRREVERSIBLE and needs_confirmation(request):  # asked once, without JS
        question, consequences = IRREVERSIBLE[action]
        return confirmation(
            request,
            title=f"{proposal.title}：{transition.label}",
            question=str(question),
            consequences=[str(c) for c in consequences],
            button=str(transition.label),
            cancel_url=reverse("proposals:detail", args=[proposal.pk]),
        )
    form = posted_form(request, transition, form_class=ReasonForm)
    if form is not None and not form.is_valid():
        # The page again, with the message at the reason field (nothing else was typed).
        context = _detail_context(request, proposal) | {"reason_form": form}
        return render(request, "proposals/proposal_detail.html", context)
    make_move(
        request,
        transition,
        form,
        lambda reason: services.proposal_transition(
            actor=request.user, proposal=proposal, action=action, reason=reason
        ),
    )
    return redirect("proposals:detail", pk=proposal.pk)


@require_POST  # 405 before the log-in check, for everyone
@login_required
def proposal_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    authorize(request.user, "proposals.intake", proposal)
    form = AssignForm(request.POST, prefix="assign")
    if form.is_valid():
        consultations.proposal_assign_section(
            actor=request.user, proposal=proposal, section=form.cleaned_data["section"]
        )
        messages.success(request, _("担当課を決めました。"))
        return redirect("proposals:detail", pk=proposal.pk)
    return _detail_with_form(request, proposal, assign_form=form)


@require_POST  # 405 before the log-in check, for everyone
@login_required
def fourparty_schedule(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    authorize(request.user, "proposals.schedule_fourparty", proposal)
    form = FourPartyScheduleForm(request.POST, prefix="schedule")
    if form.is_valid():
        fourparty.fourparty_schedule(
            actor=request.user,
            proposal=proposal,
            scheduled_at=form.scheduled_at(),
            place=form.cleaned_data["place"],
            participants=form.cleaned_data["participants"],
        )
        messages.success(request, _("4者協議を設定しました。"))
        return redirect("proposals:detail", pk=proposal.pk)
    return _detail_with_form(request, proposal, schedule_form=form)


@require_POST  # 405 before the log-in check, for everyone
@login_required
def fourparty_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(FourPartyConsultation.objects.select_related("proposal"), pk=pk)
    proposal = _proposal(request, meeting.proposal_id)
    authorize(request.user, "proposals.record_fourparty", proposal)
    if meeting.outcome != FourPartyOutcome.PENDING:
        messages.error(request, _("この4者協議の結果は記録済みです。"))
        return redirect("proposals:detail", pk=proposal.pk)
    minutes_only = "save_minutes" in request.POST
    form = FourPartyRecordForm(
        request.POST, prefix=f"record-{meeting.pk}", proposal=proposal, minutes_only=minutes_only
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            if minutes_only:
                fourparty.fourparty_save_minutes(
                    actor=request.user,
                    meeting=meeting,
                    minutes=data["minutes"],
                    version=data.get("version"),
                )
            else:
                fourparty.fourparty_record(
                    actor=request.user,
                    meeting=meeting,
                    minutes=data["minutes"],
                    outcome=data["outcome"],
                    reason=data["reason"],
                    merged_into=data.get("merged_into"),
                    version=data.get("version"),
                )
        except EditConflict as exc:
            keep_typed_after_conflict(form, exc)
            form.conflict_minutes = exc.current.minutes  # type: ignore[attr-defined]
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request,
                _("議事録を保存しました。") if minutes_only else _("4者協議の結果を記録しました。"),
            )
            return redirect("proposals:detail", pk=proposal.pk)
    context = {
        **_detail_context(request, proposal),
        "fourparty": _meetings(proposal, form, meeting.pk),
    }
    return render(request, "proposals/proposal_detail.html", context, status=200)


def _detail_with_form(request: HttpRequest, proposal: Proposal, **forms: Any) -> HttpResponse:
    """The detail page again with the bound form and its errors: nothing typed is lost."""
    context = {**_detail_context(request, proposal), **forms}
    return render(request, "proposals/proposal_detail.html", context)


@login_required
def proposal_versions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(request, pk)
    versions = list(proposal.versions.select_related("submitted_by").order_by("number"))
    numbers = [v.number for v in versions]
    try:
        a = int(request.GET.get("a") or (numbers[-2] if len(numbers) > 1 else 0))
        b = int(request.GET.get("b") or (numbers[-1] if numbers else 0))
    except ValueError as exc:
        raise Http404 from exc
    by_number = {v.number: v for v in versions}
    diffs = (
        version_diff(by_number[a].snapshot, by_number[b].snapshot)
        if a in by_number and b in by_number
        else []
    )
    context = {"proposal": proposal, "versions": versions, "a": a, "b": b, "diffs": diffs}
    return render(request, "proposals/proposal_versions.html", context)


@login_required
def staff_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    authorize(request.user, "proposals.staff_list")
    form = ProposalFilterForm(request.GET or None)
    flt = selectors.ProposalFilter()
    if form.is_valid():
        data = form.cleaned_data
        flt = selectors.ProposalFilter(
            call=data["call"].pk if data.get("call") else None,
            course=data["course"].pk if data.get("course") else None,
            status=data.get("status") or "",
            track=data.get("track") or "",
            section=data["section"].pk if data.get("section") else None,
            query=data.get("q") or "",
        )
    page = Paginator(
        selectors.staff_list(user=request.user, flt=flt), settings.KYODO_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "states": workflow.STATES,
        "query_string": params.urlencode(),
    }
    return render(request, "proposals/staff_list.html", context)
