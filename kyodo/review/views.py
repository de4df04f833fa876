"""Pages of the selection committee: the member's inbox, declaration and score sheets; the
office's committee, results and decision pages; the group's notice; the public schedule
and results. Each view: load → authorize → form → one service → redirect."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kyodo.core.errors import DomainError, form_error
from kyodo.core.files import stored_file_response
from kyodo.core.http import AuthenticatedHttpRequest
from kyodo.core.permissions import authorize, check
from kyodo.programmes.models import Call
from kyodo.proposals import workflow
from kyodo.proposals.models import Proposal, ProposalAttachment, ProposalVersion
from kyodo.proposals.versions import snapshot_rows
from kyodo.review import selectors, services, tables
from kyodo.review.forms import (
    AdviceForm,
    BudgetForm,
    CommitteeForm,
    CriteriaChooseForm,
    CriteriaSettingsForm,
    CriterionFormSet,
    DeadlineForm,
    DecisionForm,
    DeclarationForm,
    MemberForm,
    MemberKindFormSet,
    PublishForm,
    RevokeForm,
    ScoreForm,
    SlotForm,
)
from kyodo.review.models import (
    Committee,
    ConflictDeclaration,
    MemberKind,
    PresentationSlot,
    ScoreSheet,
)
from kyodo.review.permissions import presentation_wait_reason, seat_for


def _proposal(pk: int) -> Proposal:
    return get_object_or_404(Proposal.objects.select_related("call", "group", "course"), pk=pk)


def _committee(call_pk: int) -> Committee:
    committee = selectors.committee_for_call(call_pk)
    if committee is None:
        raise Http404
    return committee


# --- committee members ---------------------------------------------------------------------


@login_required
def member_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    authorize(request.user, "review.member_area")
    return render(
        request, "review/member_home.html", {"inbox": selectors.member_inbox(request.user)}
    )


@login_required
def declare(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(pk)
    authorize(request.user, "review.declare", proposal)
    form = DeclarationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            declaration = services.declaration_make(
                actor=request.user,
                proposal=proposal,
                has_conflict=form.cleaned_data["has_conflict"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            if declaration.has_conflict:
                messages.success(
                    request, _("利害関係ありと申告しました。この提案の審査には加わりません。")
                )
                return redirect("review:member_home")
            messages.success(request, _("利害関係なしと申告しました。提案を審査できます。"))
            return redirect("review:proposal", pk=proposal.pk)
    return render(request, "review/declare.html", {"proposal": proposal, "form": form})


@login_required
def proposal_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal(pk)
    authorize(request.user, "review.open_proposal", proposal)
    seat = seat_for(request.user, proposal.call_id)
    version = ProposalVersion.objects.filter(proposal=proposal).order_by("-number").first()
    sheets = {s.round: s for s in ScoreSheet.objects.filter(member=seat, proposal=proposal)}
    rounds = [
        (n, sheets.get(n), check("review.score", request.user, (proposal, n)))
        for n in range(1, seat.committee.criteria_set.rounds + 1)
    ]
    context = {
        "proposal": proposal,
        "rows": snapshot_rows(version.snapshot) if version else [],
        "version": version,
        "rounds": rounds,
        "committee": seat.committee,
        "attachments": ProposalAttachment.objects.filter(
            proposal=proposal, frozen_in_version__isnull=False
        ),
    }
    return render(request, "review/proposal.html", context)


@require_safe
@login_required
def attachment(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """A submitted proposal's attachment, for a member who may open the proposal (declared
    no conflict, not in the proposing group: review.open_proposal, the same predicate as
    the proposal's page). Files uploaded after the last submission are not shown."""
    found = get_object_or_404(
        ProposalAttachment.objects.select_related("proposal"),
        pk=pk,
        frozen_in_version__isnull=False,
    )
    authorize(request.user, "review.open_proposal", found.proposal)
    return stored_file_response(found)


@login_required
def score(request: AuthenticatedHttpRequest, pk: int, round_number: int) -> HttpResponse:
    proposal = _proposal(pk)
    authorize(request.user, "review.open_proposal", proposal)
    decision = check("review.score", request.user, (proposal, round_number))
    seat = seat_for(request.user, proposal.call_id)
    criteria = list(seat.committee.criteria_set.criteria.all())
    sheet = ScoreSheet.objects.filter(member=seat, proposal=proposal, round=round_number).first()
    initial = ScoreForm.initial_from(list(sheet.scores.all()), sheet.comment) if sheet else {}
    form = ScoreForm(
        request.POST or None,
        criteria=criteria,
        labels=seat.committee.criteria_set.scale_labels,
        initial=initial,
    )
    if request.method == "POST":
        authorize(request.user, "review.score", (proposal, round_number))
        if form.is_valid():
            submit = "submit" in request.POST
            try:
                services.sheet_save(
                    actor=request.user,
                    proposal=proposal,
                    round_number=round_number,
                    answers=form.answers(),
                    comment=form.cleaned_data["comment"],
                    submit=submit,
                )
            except DomainError as exc:
                form_error(form, exc)
            else:
                messages.success(
                    request, _("採点を提出しました。") if submit else _("下書きを保存しました。")
                )
                return redirect("review:proposal", pk=proposal.pk)
    context = {
        "proposal": proposal,
        "form": form,
        "round_number": round_number,
        "sheet": sheet,
        "can_score": decision,
        "deadline": seat.committee.deadline(round_number),
        "scale_words": [(n, w) for n, w in seat.committee.criteria_set.scale_words() if w],
    }
    return render(request, "review/score.html", context)


# --- the office ----------------------------------------------------------------------------


@login_required
def staff_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    authorize(request.user, "review.manage")
    form = CommitteeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            committee = services.committee_create(
                actor=request.user,
                call=form.cleaned_data["call"],
                criteria_set=form.cleaned_data["criteria_set"],
                name=form.cleaned_data["name"],
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("選考委員会を設けました。"))
            return redirect("review:committee", call_pk=committee.call_id)
    context = {"committees": selectors.office_committees(), "form": form}
    return render(request, "review/staff_index.html", context)


def _committee_context(committee: Committee, **forms: Any) -> dict[str, Any]:
    data = selectors.committee_results(committee)
    declarations = (
        ConflictDeclaration.objects.filter(member__committee=committee)
        .select_related("member__user", "proposal", "revoked_by")
        .order_by("proposal_id", "member_id", "-declared_at")
    )
    ready = Proposal.objects.filter(call_id=committee.call_id, status=workflow.READY_FOR_REVIEW)
    return {
        "committee": committee,
        "data": data,
        "declarations": declarations,
        "ready": ready,
        "member_form": forms.get("member_form") or MemberForm(),
        "deadline_form": forms.get("deadline_form")
        or DeadlineForm(
            initial={
                "document_day": committee.document_deadline
                and timezone.localdate(committee.document_deadline),
                "presentation_day": committee.presentation_deadline
                and timezone.localdate(committee.presentation_deadline),
                "presentation_place": committee.presentation_place,
            }
        ),
        "budget_form": forms.get("budget_form") or BudgetForm(),
        "publish_form": forms.get("publish_form")
        or PublishForm(initial={"general_comment": committee.general_comment}),
        "revoke_form": RevokeForm(),
    }


@login_required
def committee_page(request: AuthenticatedHttpRequest, call_pk: int) -> HttpResponse:
    authorize(request.user, "review.manage")
    committee = _committee(call_pk)
    return render(request, "review/committee.html", _committee_context(committee))


STEP_FORMS = {
    "member": MemberForm,
    "deadlines": DeadlineForm,
    "budget": BudgetForm,
    "publish": PublishForm,
}


@require_POST
@login_required
def committee_act(request: AuthenticatedHttpRequest, call_pk: int, step: str) -> HttpResponse:
    authorize(request.user, "review.manage")
    committee = _committee(call_pk)
    actor = request.user
    if step == "start":
        count = services.review_start_all(actor=actor, committee=committee)
        messages.success(request, _("%(n)s件の提案の審査を始めました。") % {"n": count})
        return redirect("review:committee", call_pk=call_pk)
    if step == "publish_schedule":
        services.schedule_publish(actor=actor, committee=committee)
        messages.success(request, _("公開プレゼンテーションの日程を公表しました。"))
        return redirect("review:committee", call_pk=call_pk)
    if step not in STEP_FORMS:
        raise Http404
    form = STEP_FORMS[step](request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            if step == "member":
                services.committee_add_member(
                    actor=actor,
                    committee=committee,
                    user=d["email"],
                    kind=d["kind"],
                    is_chair=d["is_chair"],
                )
            elif step == "deadlines":
                assert isinstance(form, DeadlineForm)  # STEP_FORMS["deadlines"]
                services.committee_update(
                    actor=actor, committee=committee, data=form.data_for_service()
                )
            elif step == "budget":
                services.budget_passed(
                    actor=actor, committee=committee, passed_on=d["passed_on"], reason=d["reason"]
                )
            else:
                services.results_publish(
                    actor=actor, committee=committee, general_comment=d["general_comment"]
                )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("記録しました。"))
            return redirect("review:committee", call_pk=call_pk)
    context = _committee_context(committee, **{f"{step}_form": form})
    return render(request, "review/committee.html", context)


def _criteria_context(committee: Committee, **forms: Any) -> dict[str, Any]:
    criteria_set = committee.criteria_set
    criteria = list(criteria_set.criteria.all())
    return {
        "committee": committee,
        "criteria_set": criteria_set,
        "criteria": criteria,
        "method": criteria_set.explanation(criteria),
        "may_change": forms.pop("may_change"),
        "shared": Committee.objects.filter(criteria_set=criteria_set)
        .exclude(pk=committee.pk)
        .exists(),
        "choose_form": forms.get("choose_form") or CriteriaChooseForm(),
        "settings_form": forms.get("settings_form")
        or CriteriaSettingsForm(initial=CriteriaSettingsForm.initial_for(criteria_set)),
        "criteria_formset": forms.get("criteria_formset")
        or CriterionFormSet(
            initial=[
                {
                    "id": c.pk,
                    "name": c.name,
                    "question": c.question,
                    "weight": c.weight,
                    "order": c.order,
                    "allow_na": c.allow_na,
                }
                for c in criteria
            ],
            prefix="criteria",
        ),
    }


@login_required
def criteria_page(request: AuthenticatedHttpRequest, call_pk: int) -> HttpResponse:
    """The committee's criteria: choose or copy a set, edit the scale and its words, the
    conversion, the pass rule and the criteria, until scoring starts."""
    authorize(request.user, "review.manage")
    committee = _committee(call_pk)
    may_change = check("review.configure_criteria", request.user, committee)
    return render(
        request, "review/criteria.html", _criteria_context(committee, may_change=may_change)
    )


@require_POST
@login_required
def criteria_act(request: AuthenticatedHttpRequest, call_pk: int, step: str) -> HttpResponse:
    authorize(request.user, "review.manage")
    committee = _committee(call_pk)
    if step not in ("choose", "settings", "criteria"):
        raise Http404
    may_change = check("review.configure_criteria", request.user, committee)
    form: Any
    if step == "choose":
        form = CriteriaChooseForm(request.POST)
    elif step == "settings":
        form = CriteriaSettingsForm(request.POST)
    else:
        form = CriterionFormSet(request.POST, prefix="criteria")
    if form.is_valid():
        try:
            if step == "choose":
                services.criteria_choose(
                    actor=request.user, committee=committee, source=form.cleaned_data["source"]
                )
            elif step == "settings":
                services.criteria_settings_update(
                    actor=request.user, committee=committee, data=form.cleaned_data
                )
            else:
                services.criteria_update(
                    actor=request.user,
                    committee=committee,
                    rows=[
                        services.CriterionRow(
                            pk=d.get("id"),
                            name=d.get("name") or "",
                            question=d.get("question") or "",
                            weight=d.get("weight"),
                            order=d.get("order") or 0,
                            allow_na=bool(d.get("allow_na")),
                            delete=bool(d.get("DELETE")),
                        )
                        for d in form.cleaned_data
                        if d
                    ],
                )
        except DomainError as exc:
            if step == "criteria":
                form.non_form_errors().append(str(exc.message))
            else:
                form_error(form, exc)
        else:
            messages.success(request, _("審査基準を保存しました。"))
            return redirect("review:criteria", call_pk=call_pk)
    committee.refresh_from_db()
    context = _criteria_context(
        committee,
        may_change=may_change,
        **{"criteria_formset" if step == "criteria" else f"{step}_form": form},
    )
    return render(request, "review/criteria.html", context, status=400)


@login_required
def member_kinds(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The office's list of committee member kinds: rename, reorder, add, English names."""
    authorize(request.user, "review.manage")
    kinds = list(MemberKind.objects.all())
    initial = [
        {
            "id": k.pk,
            "name": k.name,
            "name_en": k.name_en,
            "order": k.order,
            "usual_count": k.usual_count,
        }
        for k in kinds
    ]
    formset = MemberKindFormSet(request.POST or None, initial=initial, prefix="form")
    status = 200
    if request.method == "POST":
        status = 400
        if formset.is_valid():
            rows = [
                services.KindRow(
                    pk=d.get("id"),
                    name=d.get("name") or "",
                    name_en=d.get("name_en") or "",
                    order=d.get("order") or 0,
                    usual_count=d["usual_count"] if d.get("usual_count") is not None else 1,
                )
                for d in formset.cleaned_data
                if d
            ]
            try:
                services.member_kinds_save(actor=request.user, rows=rows)
            except DomainError as exc:
                placed = False
                for key, message in exc.errors.items():
                    _prefix, index, field = key.split("-")
                    formset.forms[int(index)].add_error(field, str(message))
                    placed = True
                if not placed:
                    formset.non_form_errors().append(str(exc.message))
            else:
                messages.success(request, _("委員の区分を保存しました。"))
                return redirect("review:member_kinds")
    return render(request, "review/member_kinds.html", {"formset": formset}, status=status)


@require_POST
@login_required
def declaration_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    authorize(request.user, "review.manage")
    declaration = get_object_or_404(ConflictDeclaration.objects.select_related("proposal"), pk=pk)
    form = RevokeForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            services.declaration_revoke(
                actor=request.user, declaration=declaration, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            error = str(exc.message)
        else:
            messages.success(request, _("申告を取り消しました。委員が改めて申告します。"))
            return redirect("review:committee", call_pk=declaration.proposal.call_id)
    else:
        error = " ".join(str(e) for e in form.errors.get("reason", [])) or _(
            "取消しの理由を書いてください。"
        )
    # The committee page again, the message beside this declaration's reason, as typed.
    committee = _committee(declaration.proposal.call_id)
    context = _committee_context(committee) | {
        "revoke_failed": declaration.pk,
        "revoke_error": error,
        "revoke_typed": request.POST.get("reason", ""),
    }
    return render(request, "review/committee.html", context)


@login_required
def staff_results(request: AuthenticatedHttpRequest, call_pk: int) -> HttpResponse:
    authorize(request.user, "review.manage")
    committee = _committee(call_pk)
    data = selectors.committee_results(committee)
    context = {
        "committee": committee,
        "data": data,
        "method": committee.criteria_set.explanation(data.criteria),
        "against_rule": [
            r
            for r in data.rows
            if getattr(r.proposal, "decision", None) and r.proposal.decision.rule_reason
        ],
    }
    return render(request, "review/staff_results.html", context)


@require_safe
@login_required
def staff_export(request: AuthenticatedHttpRequest, call_pk: int) -> HttpResponse:
    """Scores and results as an Excel workbook: the office only (individual scores)."""
    authorize(request.user, "review.view_individual_scores")
    from kyodo.review.exports import results_workbook

    return results_workbook(_committee(call_pk))


def _staff_proposal_context(
    proposal: Proposal, committee: Committee, **forms: Any
) -> dict[str, Any]:
    slot = PresentationSlot.objects.filter(proposal=proposal).first()
    data = selectors.committee_results(committee)
    row = next((r for r in data.rows if r.proposal.pk == proposal.pk), None)
    return {
        "proposal": proposal,
        "committee": committee,
        "row": row,
        "criteria": data.criteria,
        "sheets": selectors.individual_sheets(committee, proposal),
        "slot": slot,
        "advice_waits": (
            presentation_wait_reason(slot)
            if slot is not None and slot.ends_at > timezone.now()
            else ""
        ),
        "advice": getattr(proposal, "advice", None),
        "decision": getattr(proposal, "decision", None),
        "slot_form": forms.get("slot_form")
        or SlotForm(
            initial={
                "order": slot.order if slot else None,
                "room": slot.room if slot else committee.presentation_place,
            }
        ),
        "advice_form": forms.get("advice_form") or AdviceForm(),
        "decision_form": forms.get("decision_form") or DecisionForm(),
    }


@login_required
def staff_proposal(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    authorize(request.user, "review.manage")
    proposal = _proposal(pk)
    committee = _committee(proposal.call_id)
    return render(
        request, "review/staff_proposal.html", _staff_proposal_context(proposal, committee)
    )


@require_POST
@login_required
def staff_proposal_act(request: AuthenticatedHttpRequest, pk: int, step: str) -> HttpResponse:
    authorize(request.user, "review.manage")
    proposal = _proposal(pk)
    committee = _committee(proposal.call_id)
    forms_by_step = {"slot": SlotForm, "advice": AdviceForm, "decision": DecisionForm}
    if step not in forms_by_step:
        raise Http404
    form = forms_by_step[step](request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            if step == "slot":
                from kyodo.review.forms import _aware

                services.slot_set(
                    actor=request.user,
                    committee=committee,
                    proposal=proposal,
                    order=d["order"],
                    starts_at=_aware(d["day"], d["starts"]),
                    ends_at=_aware(d["day"], d["ends"]),
                    room=d["room"],
                )
            elif step == "advice":
                services.advice_record(
                    actor=request.user,
                    proposal=proposal,
                    recommendation=d["recommendation"],
                    note=d["note"],
                    review_comment=d["review_comment"],
                )
            else:
                services.decision_record(
                    actor=request.user,
                    proposal=proposal,
                    outcome=d["outcome"],
                    conditions=d["conditions"],
                    reason=d["reason"],
                    rule_reason=d["rule_reason"],
                )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("記録しました。"))
            return redirect("review:staff_proposal", pk=proposal.pk)
    proposal.refresh_from_db()
    context = _staff_proposal_context(proposal, committee, **{f"{step}_form": form})
    return render(request, "review/staff_proposal.html", context, status=400)


# --- the group's notice ------------------------------------------------------------------------


@login_required
def notice(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(
        Proposal.objects.select_related("call", "group", "course", "decision", "advice"), pk=pk
    )
    authorize(request.user, "review.view_notice", proposal)
    committee = selectors.committee_for_call(proposal.call_id)
    context = {
        "proposal": proposal,
        "decision": proposal.decision,
        "committee": committee,
        "advice": getattr(proposal, "advice", None),
    }
    return render(request, "review/notice.html", context)


# --- public pages ----------------------------------------------------------------------------


def public_results(request: HttpRequest, call_pk: int) -> HttpResponse:
    # The committee comes with its call (no committee, or no call: not found either way),
    # and its criteria are read once for the method, the key and, on a miss, the table.
    committee = selectors.committee_for_call(call_pk)
    if committee is None:
        raise Http404
    call = committee.call
    if not check("review.view_results", request.user, committee):
        return _not_yet(request, call, _("審査結果"), call.decision_on)
    prefetch_related_objects([committee.criteria_set], "criteria")
    # The table is a template fragment cached under a digest of everything it shows; it is
    # worked out only when the fragment is rendered (a cache miss): see tables.public_table.
    context = {
        "call": call,
        "committee": committee,
        "table": SimpleLazyObject(lambda: tables.public_table(committee)),
        "method": committee.criteria_set.explanation(list(committee.criteria_set.criteria.all())),
        "results_key": selectors.public_results_key(committee),
    }
    return render(request, "review/public_results.html", context)


def _not_yet(request: HttpRequest, call: Call, what: str, expected: Any) -> HttpResponse:
    """Anyone, signed in or not, is told that it is not published yet (and when it is
    expected), rather than sent to the log-in page."""
    return render(
        request,
        "review/not_yet_published.html",
        {"call": call, "what": what, "expected": expected},
    )


def public_schedule(request: HttpRequest, call_pk: int) -> HttpResponse:
    call = get_object_or_404(Call, pk=call_pk)
    committee = selectors.committee_for_call(call.pk)
    if committee is None:
        raise Http404
    if not check("review.view_schedule", request.user, committee):
        return _not_yet(request, call, _("公開プレゼンテーションの日程"), call.presentation_on)
    slots = PresentationSlot.objects.filter(committee=committee).select_related("proposal__group")
    return render(
        request,
        "review/public_schedule.html",
        {"call": call, "committee": committee, "slots": slots},
    )
