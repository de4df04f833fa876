"""Pages of the evaluation: the project's evaluation page (targets, each year side by side,
the meeting, the outcome), each side's evaluation form, the meeting's record, the outcome,
the office's and departments' lists, the budget-planning list and its Excel file, the
settings, and the public pages of how each evaluation was reflected. Thin: each calls one
service, with the same predicates the templates use."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kyodo.core.confirm import confirmation, needs_confirmation
from kyodo.core.editing import EditConflict, keep_typed_after_conflict
from kyodo.core.errors import DomainError, form_error
from kyodo.core.exports import xlsx_response
from kyodo.core.http import AuthenticatedHttpRequest, fiscal_year_from
from kyodo.core.moves import (
    make_move,
    move_form,
    move_panel,
    move_prefix,
    person_transition,
    posted_form,
)
from kyodo.core.permissions import authorize, check
from kyodo.evaluation import selectors, services, workflow
from kyodo.evaluation.forms import (
    AxisFormSet,
    BudgetLineForm,
    EvaluationForm,
    MeetingForm,
    OutcomeForm,
    PassForm,
    SchemeForm,
    TargetsForm,
)
from kyodo.evaluation.models import BudgetRequestLine, Evaluation, Outcome, Scheme, Side
from kyodo.japan.calendar import wareki_fiscal_year
from kyodo.projects.models import Project, ProjectYear


def _project(request: HttpRequest, pk: int) -> Project:
    project = get_object_or_404(
        Project.objects.select_related("group", "section", "course__programme"), pk=pk
    )
    authorize(request.user, "evaluation.view", project)
    return project


def _segment(request: HttpRequest, pk: int) -> ProjectYear:
    segment = get_object_or_404(
        ProjectYear.objects.select_related(
            "project__group", "project__section", "project__course__programme"
        ),
        pk=pk,
    )
    authorize(request.user, "evaluation.view", segment)
    return segment


# --- the project's evaluation page ---------------------------------------------------------------


def _project_context(request: HttpRequest, project: Project, **forms: Any) -> dict[str, Any]:
    user = request.user
    scheme = services.scheme_of(project)
    plan = services.target_plan_of(project)
    target_actions = workflow.TARGETS.actions_for(user, plan)
    is_group_side = bool(check("evaluation.act_as_group", user, project))
    years = []
    for segment in project.segments.order_by("year_index"):
        view = selectors.year_view(user, segment, scheme)
        reopen = [
            (e, move_form(move_prefix("reopen", str(e.pk)), forms.get("reason_form")))
            for e in view.evaluations.values()
            if e is not None and check("evaluation.transition", user, (e, "reopen"))
        ]
        meeting = view.meeting
        axis_names = {row.axis.key: row.axis.label for row in view.rows}
        years.append(
            {
                "view": view,
                "reopen": reopen,
                "sides": [
                    (label, view.evaluations.get(side))
                    for side, label in Side.choices
                    if side in scheme.evaluators
                ],
                "discussions": [
                    (axis_names.get(key, key), text)
                    for key, text in ((meeting.discussions or {}).items() if meeting else [])
                ],
            }
        )
    return {
        "project": project,
        "scheme": scheme,
        "plan": plan,
        "plan_rows": [(name, (plan.values or {}).get(name, "")) for name in scheme.plan_fields],
        "plan_state": plan.state.group_label if is_group_side else plan.state.staff_label,
        "can_edit_targets": bool(check("evaluation.edit_targets", user, plan)),
        "target_moves": move_panel(
            target_actions,
            url=lambda action: reverse("evaluation:targets_action", args=[project.pk, action]),
            scope="targets",
            posted=forms.get("reason_form"),
        ),
        "years": years,
        "can_record_meeting": bool(check("evaluation.record_meeting", user, project)),
        "can_record_outcome": bool(check("evaluation.record_outcome", user, project)),
        "is_staff_view": bool(check("evaluation.staff_index", user)),
    }


@login_required
def project_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    return render(request, "evaluation/project.html", _project_context(request, project))


@login_required
def targets_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    plan = services.target_plan_of(project)
    authorize(request.user, "evaluation.edit_targets", plan)
    names = services.scheme_of(project).plan_fields
    form = TargetsForm(
        request.POST or None, plan_fields=names, initial=TargetsForm.initial_for(plan, names)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.targets_update(
                actor=request.user,
                plan=plan,
                values=form.values(),
                expected_version=form.cleaned_data.get("version"),
            )
        except EditConflict as exc:
            keep_typed_after_conflict(form, exc)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("目標の案を保存しました。"))
            return redirect("evaluation:project", pk=project.pk)
    return render(request, "evaluation/targets_edit.html", {"project": project, "form": form})


@require_POST  # 405 before the log-in check, for everyone
@login_required
def targets_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    project = _project(request, pk)
    plan = services.target_plan_of(project)
    transition = person_transition(workflow.TARGETS, action)
    authorize(request.user, "evaluation.targets_transition", (plan, action))
    form = posted_form(request, transition, scope="targets")
    if form is not None and not form.is_valid():
        context = _project_context(request, project, reason_form=form)
        return render(request, "evaluation/project.html", context)
    make_move(
        request,
        transition,
        form,
        lambda reason: services.targets_transition(
            actor=request.user, plan=plan, action=action, reason=reason
        ),
    )
    return redirect("evaluation:project", pk=project.pk)


# --- one side's evaluation ----------------------------------------------------------------------


@login_required
def evaluate(request: AuthenticatedHttpRequest, pk: int, side: str) -> HttpResponse:
    segment = _segment(request, pk)
    if side not in Side.values:
        raise Http404
    authorize_writer(request, segment, side)
    evaluation = services.evaluation_of(segment, side)
    scheme = services.scheme_of(segment.project)
    axes = list(scheme.axes.all())
    editable = bool(check("evaluation.edit", request.user, evaluation))
    form = None
    if editable:
        form = EvaluationForm(
            request.POST or None,
            scheme=scheme,
            axes=axes,
            initial=EvaluationForm.initial_for(evaluation),
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.evaluation_update(
                    actor=request.user,
                    evaluation=evaluation,
                    rows=[
                        services.ScoreRow(
                            axis_id=a.pk,
                            score=data.get(f"score_{a.pk}"),
                            reason=data.get(f"reason_{a.pk}") or "",
                        )
                        for a in axes
                    ],
                    comment=data.get("comment") or "",
                    expected_version=data.get("version"),
                )
            except EditConflict as exc:
                keep_typed_after_conflict(form, exc)
            except DomainError as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("評価を保存しました（まだ提出していません）。"))
                return redirect("evaluation:evaluate", pk=segment.pk, side=side)
    elif request.method == "POST":
        messages.error(request, _("提出した評価は、差し戻されるまで編集できません。"))
        return redirect("evaluation:evaluate", pk=segment.pk, side=side)
    context = {
        "segment": segment,
        "project": segment.project,
        "evaluation": evaluation,
        "side_label": Side(side).label,
        "scheme": scheme,
        "form": form,
        "scores": [
            (s.axis, scheme.label(s.score), s.reason)
            for s in evaluation.scores.select_related("axis")
        ],
        "scale": [
            (p, scheme.label(p), p == scheme.as_planned, scheme.needs_reason(p))
            for p in scheme.points
        ],
        "can_submit": bool(check("evaluation.transition", request.user, (evaluation, "submit"))),
    }
    return render(request, "evaluation/evaluate.html", context)


def authorize_writer(request: HttpRequest, segment: ProjectYear, side: str) -> None:
    from kyodo.core.permissions import NotAllowed
    from kyodo.evaluation.permissions import writer_of

    decision = writer_of(request.user, segment, side)
    if not decision:
        raise NotAllowed(decision)


@require_POST  # 405 before the log-in check, for everyone
@login_required
def evaluation_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    evaluation = get_object_or_404(
        Evaluation.objects.select_related(
            "segment__project__group", "segment__project__course__programme"
        ),
        pk=pk,
    )
    authorize(request.user, "evaluation.view", evaluation)
    transition = person_transition(workflow.EVALUATION, action)
    authorize(request.user, "evaluation.transition", (evaluation, action))
    project = evaluation.segment.project
    form = posted_form(request, transition, scope=str(evaluation.pk))
    if form is not None and not form.is_valid():
        context = _project_context(request, project, reason_form=form)
        return render(request, "evaluation/project.html", context)
    if form is None and needs_confirmation(request):
        return confirmation(
            request,
            title=_("評価の提出"),
            question=_("%(year)sの%(side)sの評価を提出しますか。")
            % {
                "year": wareki_fiscal_year(evaluation.segment.fiscal_year),
                "side": evaluation.get_side_display(),
            },
            consequences=[
                _("提出すると、協働担当課が差し戻すまで変更できません。"),
                _("提出した評価は、事業の関係者が見られるようになります。"),
            ],
            button=_("提出する"),
            cancel_url=_evaluate_url(evaluation),
        )
    done = make_move(
        request,
        transition,
        form,
        lambda reason: services.evaluation_transition(
            actor=request.user, evaluation=evaluation, action=action, reason=reason
        ),
    )
    if not done and action == "submit":  # back to the sheet, to put right what was refused
        return redirect(_evaluate_url(evaluation))
    return redirect("evaluation:project", pk=project.pk)


def _evaluate_url(evaluation: Evaluation) -> str:
    return reverse("evaluation:evaluate", args=[evaluation.segment_id, evaluation.side])


# --- the meeting and the outcome ----------------------------------------------------------------


@login_required
def meeting(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    segment = _segment(request, pk)
    authorize(request.user, "evaluation.record_meeting", segment)
    agenda = selectors.agenda_of(segment)
    record = getattr(segment, "review_meeting", None)
    initial: dict[str, Any] = {}
    if record is not None:
        initial = {
            "version": record.version,
            "held_on": record.held_on,
            "attendees": record.attendees,
            "conclusion": record.conclusion,
            **{f"discussion_{k}": v for k, v in (record.discussions or {}).items()},
        }
    form = MeetingForm(request.POST or None, agenda=agenda, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_record(
                actor=request.user,
                segment=segment,
                held_on=data["held_on"],
                attendees=data["attendees"],
                discussions=form.discussions(),
                conclusion=data["conclusion"],
                expected_version=data.get("version"),
            )
        except EditConflict as exc:
            keep_typed_after_conflict(form, exc)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("相互評価会議の記録を保存しました。"))
            return redirect("evaluation:project", pk=segment.project_id)
    context = {"segment": segment, "project": segment.project, "agenda": agenda, "form": form}
    return render(request, "evaluation/meeting.html", context)


@login_required
def outcome(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    segment = _segment(request, pk)
    authorize(request.user, "evaluation.record_outcome", segment)
    scheme = services.scheme_of(segment.project)
    existing = getattr(segment, "evaluation_outcome", None)
    initial = (
        {
            "outcome": existing.outcome,
            "reason": existing.reason,
            "reflection": existing.reflection,
        }
        if existing is not None
        else {}
    )
    form = OutcomeForm(request.POST or None, scheme=scheme, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.outcome_record(
                actor=request.user,
                segment=segment,
                outcome=data["outcome"],
                reason=data["reason"],
                reflection=data["reflection"],
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("評価の結果を記録しました。"))
            return redirect("evaluation:project", pk=segment.project_id)
    context = {
        "segment": segment,
        "project": segment.project,
        "form": form,
        "existing": existing,
        "view": selectors.year_view(request.user, segment, scheme),
        "continuing": [str(o.label) for o in Outcome if o.value in scheme.outcomes][:3],
    }
    return render(request, "evaluation/outcome.html", context)


# --- the office's and departments' lists --------------------------------------------------------


@login_required
def staff_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    authorize(request.user, "evaluation.staff_index")
    page = Paginator(selectors.staff_rows(request.user), settings.KYODO_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = []
    for segment in page:
        by_side = {e.side: e for e in segment.evaluations.all()}
        rows.append((segment, [by_side.get(side) for side in Side.values]))
    context = {
        "page": page,
        "rows": rows,
        "sides": [label for _value, label in Side.choices],
        "can_configure": bool(check("evaluation.configure", request.user)),
        "schemes": Scheme.objects.select_related("programme")
        if check("evaluation.configure", request.user)
        else [],
        "programmes": _programmes_without_scheme(request),
    }
    return render(request, "evaluation/staff_index.html", context)


def _programmes_without_scheme(request: HttpRequest) -> list[Any]:
    from kyodo.programmes.models import Programme

    if not check("evaluation.configure", request.user):
        return []
    return list(Programme.objects.filter(evaluation_scheme__isnull=True))


@login_required
def settings_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The office's evaluation settings of a programme (seeded from the city's TOML)."""
    from kyodo.evaluation.seed import seed_evaluation
    from kyodo.programmes.models import Programme

    authorize(request.user, "evaluation.configure")
    programme = get_object_or_404(Programme, pk=pk)
    scheme = Scheme.objects.filter(programme=programme).first() or seed_evaluation(programme)
    axes = list(scheme.axes.all())
    form = SchemeForm(request.POST or None, initial=SchemeForm.initial_for(scheme))
    formset = AxisFormSet(
        request.POST or None,
        prefix="axis",
        initial=[
            {"id": a.pk, "name": a.name, "name_en": a.name_en, "order": a.order} for a in axes
        ],
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.scheme_update(
                actor=request.user,
                scheme=scheme,
                data=form.cleaned_data,
                axes=[
                    services.AxisRow(
                        pk=d.get("id"),
                        name=d.get("name") or "",
                        name_en=d.get("name_en") or "",
                        order=int(d["order"]) if d.get("order") is not None else number,
                        delete=bool(d.get("DELETE")),
                    )
                    for number, d in enumerate(formset.cleaned_data, start=1)
                    if d
                ],
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("評価の設定を保存しました。"))
            return redirect("evaluation:settings", pk=programme.pk)
    context = {"programme": programme, "scheme": scheme, "form": form, "formset": formset}
    return render(request, "evaluation/settings.html", context)


# --- the budget-planning list -------------------------------------------------------------------


def _year_filter(request: HttpRequest) -> int | None:
    """The list's year filter: a year that is no fiscal year (letters, 0, a 20-digit number,
    which PostgreSQL would refuse as out of range) shows every year, as no filter does."""
    try:
        return fiscal_year_from(request.GET.get("year"))
    except Http404:
        return None


@login_required
def budget_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    authorize(request.user, "evaluation.budget_list")
    year = _year_filter(request)
    lines = selectors.budget_lines(request.user, year)
    page = Paginator(lines, settings.KYODO_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "year": year,
        "years": selectors.budget_years(request.user),
        "total": sum(line.amount for line in lines),
    }
    return render(request, "evaluation/budget_list.html", context)


@require_safe  # 405 before the log-in check, for everyone
@login_required
def budget_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The budget-planning list as an Excel file, for the departments' budget requests."""
    authorize(request.user, "evaluation.budget_list")
    year = _year_filter(request)
    header = [
        _("予算の年度"),
        _("要求する課"),
        _("事業番号"),
        _("事業名"),
        _("団体"),
        _("コース"),
        _("要求額（円）"),
        _("積算の根拠"),
        _("評価の結果"),
        _("状態"),
    ]
    rows = (
        [
            wareki_fiscal_year(line.fiscal_year),
            line.section.name if line.section else "",
            line.project.number,
            line.project.title,
            line.project.group.name,
            line.course.name,
            line.amount,
            line.basis,
            line.outcome.get_outcome_display(),
            str(line.state.staff_label),
        ]
        for line in selectors.budget_lines(request.user, year)
    )
    name = _("次年度予算要求の一覧")
    filename = f"{name}_{year}.xlsx" if year else f"{name}.xlsx"
    return xlsx_response(filename=filename, header=header, rows=rows, title=str(name))


def _line(request: HttpRequest, pk: int) -> BudgetRequestLine:
    line = get_object_or_404(
        BudgetRequestLine.objects.select_related(
            "project__group", "project__section", "section", "course", "outcome__segment"
        ),
        pk=pk,
    )
    authorize(request.user, "evaluation.handle_budget_line", line)
    return line


def _line_context(request: HttpRequest, line: BudgetRequestLine, **forms: Any) -> dict[str, Any]:
    user = request.user
    actions = workflow.BUDGET_LINE.actions_for(user, line)
    editable = bool(check("evaluation.edit_budget_line", user, line))
    return {
        "line": line,
        "project": line.project,
        "form": (
            forms.get("form")
            or BudgetLineForm(
                initial={
                    "version": line.version,
                    "section": line.section_id,
                    "amount": line.amount,
                    "basis": line.basis,
                }
            )
        )
        if editable
        else None,
        "moves": move_panel(
            actions,
            url=lambda action: reverse("evaluation:budget_action", args=[line.pk, action]),
            scope="line",
            posted=forms.get("reason_form"),
        ),
        "pass_form": (forms.get("pass_form") or PassForm(prefix="pass"))
        if line.status == workflow.REQUESTED and check("evaluation.pass_budget", user, line)
        else None,
    }


@login_required
def budget_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    line = _line(request, pk)
    if request.method == "POST":
        authorize(request.user, "evaluation.edit_budget_line", line)
        form = BudgetLineForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.budget_line_update(
                    actor=request.user,
                    line=line,
                    section=data.get("section"),
                    amount=data["amount"],
                    basis=data["basis"],
                    expected_version=data.get("version"),
                )
            except EditConflict as exc:
                keep_typed_after_conflict(form, exc)
            except DomainError as exc:
                form_error(form, exc)
            else:
                messages.success(request, _("予算要求を保存しました。"))
                return redirect("evaluation:budget_edit", pk=line.pk)
        return render(
            request, "evaluation/budget_edit.html", _line_context(request, line, form=form)
        )
    return render(request, "evaluation/budget_edit.html", _line_context(request, line))


@require_POST  # 405 before the log-in check, for everyone
@login_required
def budget_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    line = _line(request, pk)
    transition = person_transition(workflow.BUDGET_LINE, action)
    authorize(request.user, "evaluation.budget_transition", (line, action))
    form = posted_form(request, transition, scope="line")
    if form is not None:
        if not form.is_valid():
            context = _line_context(request, line, reason_form=form)
            return render(request, "evaluation/budget_edit.html", context)
        if workflow.BUDGET_LINE.states[transition.target].final and needs_confirmation(request):
            return confirmation(
                request,
                title=str(transition.label),
                question=_("「%(title)s」の%(year)sの予算は成立しなかったと記録しますか。")
                % {"title": line.project.title, "year": wareki_fiscal_year(line.fiscal_year)},
                consequences=[_("記録すると取り消せません。次年度の事業年度は作られません。")],
                button=str(transition.label),
                cancel_url=_line_url(line),
            )
    make_move(
        request,
        transition,
        form,
        lambda reason: services.budget_line_transition(
            actor=request.user, line=line, action=action, reason=reason
        ),
    )
    return redirect("evaluation:budget_edit", pk=line.pk)


def _line_url(line: BudgetRequestLine) -> str:
    return reverse("evaluation:budget_edit", args=[line.pk])


@require_POST  # 405 before the log-in check, for everyone
@login_required
def budget_pass(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    line = _line(request, pk)
    authorize(request.user, "evaluation.pass_budget", line)
    form = PassForm(request.POST, prefix="pass")
    if form.is_valid():
        if needs_confirmation(request):
            return confirmation(
                request,
                title=_("予算の成立"),
                question=_(
                    "「%(title)s」の%(year)sの予算（%(amount)s円）が成立したと記録しますか。"
                )
                % {
                    "title": line.project.title,
                    "year": wareki_fiscal_year(line.fiscal_year),
                    "amount": f"{line.amount:,}",
                },
                consequences=[
                    _("次年度の事業年度を作る（またはその承認額を更新する）。"),
                    _("協定書に次年度の費用の分担を載せた新しい版を作る（締結済みなら変更協定）。"),
                    _("記録すると取り消せません。"),
                ],
                button=_("成立を記録する"),
                cancel_url=_line_url(line),
            )
        try:
            services.budget_line_pass(
                actor=request.user, line=line, passed_on=form.cleaned_data["passed_on"]
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request, _("予算の成立を記録しました。次年度の事業年度と協定書に反映しました。")
            )
            return redirect("evaluation:budget_edit", pk=line.pk)
    context = _line_context(request, line, pass_form=form)
    return render(request, "evaluation/budget_edit.html", context)


# --- public -------------------------------------------------------------------------------------


def public_index(request: HttpRequest) -> HttpResponse:
    return render(request, "evaluation/public_index.html", {"years": selectors.reflection_years()})


def public_year(request: HttpRequest, fiscal_year: int) -> HttpResponse:
    outcomes = list(selectors.public_reflections(fiscal_year))
    if not outcomes and fiscal_year not in selectors.reflection_years():
        raise Http404
    return render(
        request,
        "evaluation/public_year.html",
        {"fiscal_year": fiscal_year, "outcomes": outcomes},
    )
