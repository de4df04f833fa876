"""Survey pages: the builder and keying screens for staff, the questionnaire for
respondents, and the results (tables, charts, cross-tabs, drill-down, exports)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kyodo.core.errors import DomainError, form_error
from kyodo.core.exports import csv_response, xlsx_response
from kyodo.core.http import acting_user
from kyodo.core.once import once_per_submit
from kyodo.core.permissions import authorize
from kyodo.japan.calendar import fiscal_year
from kyodo.surveys import charts, importer, selectors, services, tabulate
from kyodo.surveys.forms import (
    AnswerForm,
    CrossTabForm,
    EditionForm,
    FreeTextSearchForm,
    ImportForm,
    InvitationCodeForm,
    InvitationForm,
    KeyingForm,
    MethodForm,
    QuestionForm,
    SectionForm,
    SurveyForm,
)
from kyodo.surveys.models import (
    Answer,
    Edition,
    Question,
    Respondent,
    SecondKeying,
    Survey,
)


def _edition(pk: int) -> Edition:
    return get_object_or_404(Edition.objects.select_related("survey"), pk=pk)


def _staff(request: HttpRequest) -> Any:
    authorize(request.user, "surveys.manage")
    return acting_user(request)


# --- the builder ------------------------------------------------------------------------------


def staff_index(request: HttpRequest) -> HttpResponse:
    _staff(request)
    return render(request, "surveys/staff_index.html", {"surveys": selectors.surveys_for_staff()})


@once_per_submit(fallback="surveys:staff_index")
def survey_new(request: HttpRequest) -> HttpResponse:
    actor = _staff(request)
    form = SurveyForm(
        request.POST or None, initial={"fiscal_year": fiscal_year(timezone.localdate())}
    )
    if request.method == "POST" and form.is_valid():
        edition = services.survey_create(actor=actor, **form.cleaned_data)
        messages.success(request, _("調査をつくりました。区分と設問を加えてください。"))
        return redirect("surveys:edition", pk=edition.pk)
    return render(request, "surveys/survey_form.html", {"form": form})


def _edition_context(ed: Edition, **forms: Any) -> dict[str, Any]:
    return {
        "edition": ed,
        "questions": selectors.questions_of(ed),
        "sections": ed.sections.all(),
        "section_form": forms.get("section_form") or SectionForm(),
        "next_form": forms.get("next_form")
        or EditionForm(initial={"fiscal_year": ed.fiscal_year + 1}),
        "respondents": selectors.submitted(ed).count(),
        "other_editions": ed.survey.editions.exclude(pk=ed.pk).order_by("-fiscal_year"),
    }


def edition(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    return render(request, "surveys/edition.html", _edition_context(_edition(pk)))


@require_POST
@once_per_submit(fallback="surveys:staff_index")
def edition_new(request: HttpRequest, survey_pk: int) -> HttpResponse:
    actor = _staff(request)
    survey = get_object_or_404(Survey, pk=survey_pk)
    form = EditionForm(request.POST)
    latest = survey.editions.order_by("-fiscal_year").first()
    if form.is_valid():
        try:
            created = services.edition_create_next(
                actor=actor, survey=survey, fiscal_year=form.cleaned_data["fiscal_year"]
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("前回と同じ設問で、新しい年度の実施回をつくりました。"))
            return redirect("surveys:edition", pk=created.pk)
    if latest is None:
        return redirect("surveys:staff_index")
    # Shown again on the edition page with the message beside the year typed.
    return render(request, "surveys/edition.html", _edition_context(latest, next_form=form))


@require_POST
def edition_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    actor = _staff(request)
    ed = _edition(pk)
    try:
        services.edition_step(actor=actor, edition=ed, step=step)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("実施回の状態を変えました。"))
    return redirect("surveys:edition", pk=ed.pk)


@require_POST
@once_per_submit(fallback="surveys:edition")
def section_new(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _staff(request)
    ed = _edition(pk)
    form = SectionForm(request.POST)
    if form.is_valid():
        try:
            services.section_create(actor=actor, edition=ed, title=form.cleaned_data["title"])
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("区分を加えました。"))
            return redirect("surveys:edition", pk=ed.pk)
    return render(request, "surveys/edition.html", _edition_context(ed, section_form=form))


@once_per_submit(fallback="surveys:edition")
def question_new(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _staff(request)
    ed = _edition(pk)
    form = QuestionForm(request.POST or None, edition=ed)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.question_create(
                actor=actor,
                edition=ed,
                code=data["code"],
                text=data["text"],
                kind=data["kind"],
                section=data["section"],
                options=data["options"],
                other=data["other"],
                max_choices=data["max_choices"],
                condition_question=data["condition_question"],
                condition_numbers=data["condition_numbers"],
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("設問 %(code)s を加えました。") % {"code": data["code"]})
            if "another" in request.POST:
                return redirect("surveys:question_new", pk=ed.pk)
            return redirect("surveys:edition", pk=ed.pk)
    return render(request, "surveys/question_form.html", {"edition": ed, "form": form})


def edition_method(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _staff(request)
    ed = _edition(pk)
    fields = list(MethodForm.base_fields)
    form = MethodForm(request.POST or None, initial={f: getattr(ed, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.edition_method_update(actor=actor, edition=ed, data=form.cleaned_data)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("調査の方法を保存しました。"))
            return redirect("surveys:edition", pk=ed.pk)
    return render(request, "surveys/method_form.html", {"edition": ed, "form": form})


@once_per_submit(fallback="surveys:invitations")
def invitations(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _staff(request)
    ed = _edition(pk)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.invitations_issue(
                actor=actor, edition=ed, count=form.cleaned_data["count"]
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("招待コードを%(n)d件発行しました。") % {"n": len(made)})
            return redirect("surveys:invitations", pk=ed.pk)
    page = Paginator(ed.invitations.order_by("pk"), 200).get_page(request.GET.get("page"))
    used = ed.invitations.filter(used_at__isnull=False).count()
    return render(
        request,
        "surveys/invitations.html",
        {"edition": ed, "form": form, "page": page, "used": used},
    )


# --- paper keying and import ------------------------------------------------------------------


def _keying_context(ed: Edition, form: KeyingForm, actor: Any, second: bool) -> dict[str, Any]:
    recent = (
        ed.respondents.filter(keyed_by=actor, channel="paper")
        .order_by("-keyed_at")
        .values_list("paper_number", flat=True)[:5]
    )
    return {
        "edition": ed,
        "form": form,
        "second": second,
        "keyed": ed.respondents.filter(channel="paper").count(),
        "second_keyed": SecondKeying.objects.filter(respondent__edition=ed).count(),
        "recent": list(recent),
    }


@once_per_submit(fallback="surveys:keying")
def keying(request: HttpRequest, pk: int) -> HttpResponse:
    """Paper answers, one questionnaire after another, by keyboard only."""
    return _keying(request, pk, second=False)


@once_per_submit(fallback="surveys:keying_second")
def keying_second(request: HttpRequest, pk: int) -> HttpResponse:
    """The same papers typed again by someone else; differences go to the mismatch list."""
    return _keying(request, pk, second=True)


def _keying(request: HttpRequest, pk: int, *, second: bool) -> HttpResponse:
    actor = _staff(request)
    ed = _edition(pk)
    questions = selectors.questions_of(ed)
    form = KeyingForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["paper_number"]
        values = form.cleaned_data["values"]
        try:
            if second:
                keyed = services.second_key(
                    actor=actor, edition=ed, paper_number=number, values=values
                )
            else:
                services.paper_key(actor=actor, edition=ed, paper_number=number, values=values)
        except DomainError as exc:
            form_error(form, exc)
        else:
            if second and keyed.mismatch_count:
                messages.error(
                    request,
                    _(
                        "調査票番号 %(n)s：1回目の入力と%(c)d か所が違います（食い違いの一覧に載せました）。"
                    )
                    % {"n": number, "c": keyed.mismatch_count},
                )
            else:
                messages.success(
                    request,
                    _("調査票番号 %(n)s を保存しました。次の調査票をどうぞ。") % {"n": number},
                )
            return redirect("surveys:keying_second" if second else "surveys:keying", pk=ed.pk)
    return render(request, "surveys/keying.html", _keying_context(ed, form, actor, second))


def mismatches(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    ed = _edition(pk)
    return render(
        request,
        "surveys/mismatches.html",
        {"edition": ed, "keyings": selectors.open_mismatches(ed)},
    )


@require_POST
def mismatch_resolve(request: HttpRequest, pk: int, keep: str) -> HttpResponse:
    actor = _staff(request)
    keying = get_object_or_404(SecondKeying.objects.select_related("respondent"), pk=pk)
    try:
        services.mismatch_resolve(actor=actor, keying=keying, keep=keep)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("調査票番号 %(n)s の食い違いを解決しました。")
            % {"n": keying.respondent.paper_number},
        )
    return redirect("surveys:mismatches", pk=keying.respondent.edition_id)


def answers_import(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _staff(request)
    ed = _edition(pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"edition": ed, "form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            parsed = importer.parse(upload.read(), upload.name or "", selectors.questions_of(ed))
        except importer.ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            context["parsed"] = parsed
            skip = form.cleaned_data["skip_bad_rows"]
            if parsed.errors and not skip:
                context["refused"] = True
            else:
                try:
                    count = services.answers_import(
                        actor=actor, edition=ed, rows=parsed.good_rows(), filename=upload.name or ""
                    )
                except DomainError as exc:
                    form_error(form, exc)
                else:
                    skipped = len(parsed.bad_lines)
                    messages.success(
                        request,
                        _("%(n)d件の回答を取り込みました（飛ばした行：%(s)d）。")
                        % {"n": count, "s": skipped},
                    )
                    return redirect("surveys:edition", pk=ed.pk)
    return render(request, "surveys/import.html", context)


# --- answering on the web ---------------------------------------------------------------------


def public_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "surveys/public_list.html",
        {
            "open_editions": selectors.editions_open(),
            "published": selectors.editions_with_public_results(),
        },
    )


@once_per_submit(fallback="surveys:public_list")
def answer_start(request: HttpRequest, pk: int) -> HttpResponse:
    ed = _edition(pk)
    authorize(request.user, "surveys.answer", ed)
    form = InvitationCodeForm(request.POST or None) if ed.invitation_only else None
    if request.method == "POST" and (form is None or form.is_valid()):
        code = form.cleaned_data["code"] if form is not None else ""
        try:
            respondent = services.respondent_start(edition=ed, invitation_code=code)
        except DomainError as exc:
            if form is None:
                raise
            form_error(form, exc)
        else:
            return redirect("surveys:answer", token=respondent.resume_token)
    return render(request, "surveys/answer_start.html", {"edition": ed, "form": form})


def _respondent(token: str) -> Respondent:
    respondent = (
        Respondent.objects.select_related("edition__survey").filter(resume_token=token).first()
    )
    if respondent is None:
        raise Http404
    return respondent


def answer(request: HttpRequest, token: str) -> HttpResponse:
    respondent = _respondent(token)
    ed = respondent.edition
    if respondent.submitted_at is not None:
        return redirect("surveys:answer_done", token=token)
    authorize(request.user, "surveys.answer", ed)
    questions = selectors.questions_of(ed)
    if request.method == "POST":
        form = AnswerForm(request.POST, questions=questions)
        if form.is_valid():
            try:
                if request.POST.get("action") == "save":
                    services.draft_save(respondent=respondent, values=form.values())
                    messages.success(
                        request,
                        _(
                            "途中まで保存しました。このページのアドレスを控えておくと、あとで続きから回答できます。"
                        ),
                    )
                    return redirect("surveys:answer", token=token)
                services.respondent_submit(respondent=respondent, values=form.values())
            except DomainError as exc:
                form_error(form, exc)
            else:
                return redirect("surveys:answer_done", token=token)
    else:
        initial = AnswerForm.initial_from(services.draft_values(respondent), questions)
        form = AnswerForm(initial=initial, questions=questions)
    resume_url = request.build_absolute_uri(reverse("surveys:answer", kwargs={"token": token}))
    sections = _by_section(form, questions)
    return render(
        request,
        "surveys/answer.html",
        {"edition": ed, "form": form, "sections": sections, "resume_url": resume_url},
    )


def _by_section(form: AnswerForm, questions: list[Question]) -> list[tuple[str, list[Any]]]:
    from kyodo.surveys.forms import field_name, other_name

    groups: list[tuple[str, list[Any]]] = []
    for q in questions:
        title = q.section.title if q.section else ""
        if not groups or groups[-1][0] != title:
            groups.append((title, []))
        fields = [form[field_name(q)]]
        if other_name(q) in form.fields:
            fields.append(form[other_name(q)])
        groups[-1][1].extend(fields)
    return groups


def answer_done(request: HttpRequest, token: str) -> HttpResponse:
    respondent = _respondent(token)
    if respondent.submitted_at is None:
        return redirect("surveys:answer", token=token)
    return render(request, "surveys/answer_done.html", {"edition": respondent.edition})


# --- results ------------------------------------------------------------------------------------


def _results_context(ed: Edition, *, staff: bool) -> dict[str, Any]:
    questions = selectors.questions_of(ed)
    results = selectors.edition_results(ed, questions=questions)
    blocks = [
        {"table": t, "chart": charts.bar_chart(t)}
        for t in results.tables
        if staff or t.question.kind != "text"
    ]
    sizes = [n for n in (results.respondents, 1000, 500, 300, 100, 50) if n]
    return {
        "edition": ed,
        "results": results,
        "blocks": blocks,
        "staff": staff,
        "sampling_errors": tabulate.sampling_error_table(
            population=ed.population_size, sizes=sorted(set(sizes), reverse=True)
        ),
        "returns": results.respondents,
        "response_rate": tabulate.format_tenths(
            tabulate.percent_tenths(results.respondents, ed.sample_size or 0)
        )
        if ed.sample_size
        else "",
    }


def _cross(ed: Edition, data: Any, everyone: int) -> tuple[CrossTabForm, tabulate.CrossTab | None]:
    form = CrossTabForm(data if data.get("column") else None, edition=ed)
    if form.is_bound and form.is_valid():
        column, by = form.cleaned_data["column"], form.cleaned_data["by"]
        if column.pk == by.pk:
            form.add_error("by", _("集計する設問と別の設問を選んでください。"))
            return form, None
        return form, selectors.cross_tab(column, by, everyone)
    return form, None


def _cross_rows(ed: Edition, cross: tabulate.CrossTab) -> list[dict[str, Any]]:
    """Each cross-tab row with a drill-down address for every cell."""
    base = reverse("surveys:cell", kwargs={"question_pk": cross.column.id})
    options: list[int | None] = [o.id for o in cross.column.options] + [None]
    rows = []
    for row in cross.rows:
        cells = []
        for cell_, option_id, label in zip(row.cells, options, cross.column_labels, strict=True):
            params = {"option": option_id}
            if row.kind != "total":
                params.update(by=cross.by.id, group=row.group_option_id)
            query = urlencode({k: v for k, v in params.items() if v is not None})
            url = f"{base}?{query}" if cell_.count else ""
            cells.append(
                {"percent": cell_.percent, "count": cell_.count, "label": label, "url": url}
            )
        rows.append({"label": row.label, "mark": row.mark, "base": row.base, "cells": cells})
    return rows


def results(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff results: every table with its chart, cross-tabs, drill-down links."""
    _staff(request)
    ed = _edition(pk)
    context = _results_context(ed, staff=True)
    context["cross_form"], context["cross"] = _cross(ed, request.GET, context["returns"])
    if context["cross"] is not None:
        context["cross_rows"] = _cross_rows(ed, context["cross"])
    context["query_string"] = request.GET.urlencode()
    return render(request, "surveys/results.html", context)


def public_results(request: HttpRequest, pk: int) -> HttpResponse:
    ed = _edition(pk)
    authorize(request.user, "surveys.view_results", ed)
    context = _results_context(ed, staff=False)
    context["free_text"] = selectors.published_free_text(ed)
    return render(request, "surveys/public_results.html", context)


def report(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable report: method record, sampling-error table, every table and chart."""
    _staff(request)
    ed = _edition(pk)
    context = _results_context(ed, staff=False)
    context["free_text"] = selectors.published_free_text(ed)
    return render(request, "surveys/report.html", context)


def cell(request: HttpRequest, question_pk: int) -> HttpResponse:
    """The respondents behind one cell (staff only): ?option= (none: 無回答), and for a
    cross-tab cell ?by=<question>&group= (no group: the attribute's 無回答)."""
    _staff(request)
    q = get_object_or_404(Question.objects.select_related("edition__survey"), pk=question_pk)
    ed = q.edition

    def option(key: str) -> int | None:
        value = request.GET.get(key, "")
        return int(value) if value.isdigit() else None

    by_pk = option("by")
    by = ed.questions.filter(pk=by_pk).first() if by_pk else None
    people = selectors.respondents_in_cell(ed, q, option("option"), by, option("group"))
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    labels = {o.pk: o.label for o in q.options.all()}
    if by is not None:
        labels.update({o.pk: o.label for o in by.options.all()})
    return render(
        request,
        "surveys/cell.html",
        {
            "edition": ed,
            "question": q,
            "by": by,
            "option_label": labels.get(option("option") or 0, _("無回答")),
            "group_label": labels.get(option("group") or 0, _("無回答")) if by else "",
            "page": page,
            "query_string": "&".join(
                f"{k}={request.GET[k]}"
                for k in ("question", "option", "by", "group")
                if request.GET.get(k, "").isdigit()
            ),
        },
    )


def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    _staff(request)
    ed = _edition(pk)
    results = selectors.edition_results(ed)
    header = [
        _("設問コード"),
        _("設問"),
        _("n"),
        _("選択肢"),
        _("件数"),
        _("割合（%）"),
        _("前回比（ポイント）"),
    ]
    rows: list[list[Any]] = []
    for t in results.tables:
        for row in [*t.all_rows, t.total]:
            rows.append(
                [
                    t.question.code,
                    t.question.text,
                    t.base,
                    row.label,
                    row.cell.count,
                    row.cell.percent,
                    row.points,
                ]
            )
    _form, cross = _cross(ed, request.GET, results.respondents)
    if cross is not None:
        rows.append([])
        rows.append(
            [
                cross.column.code,
                _("クロス集計：%(by)s 別") % {"by": cross.by.text},
                "",
                "",
                "",
                "",
                "",
            ]
        )
        rows.append(["", _("区分"), "n", *cross.column_labels])
        for r in cross.rows:
            rows.append(["", r.label, r.base, *[c.percent for c in r.cells]])
    filename = f"survey-{ed.pk}-{ed.fiscal_year}"
    if fmt == "xlsx":
        return xlsx_response(
            filename=f"{filename}.xlsx", header=header, rows=rows, title=_("集計表")
        )
    if fmt == "csv":
        return csv_response(filename=f"{filename}.csv", header=header, rows=rows)
    raise Http404


def free_text(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    ed = _edition(pk)
    form = FreeTextSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(selectors.free_text_answers(ed, query or ""), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "surveys/free_text.html",
        {"edition": ed, "form": form, "page": page, "query": query},
    )


@require_POST
def free_text_publish(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _staff(request)
    item = get_object_or_404(Answer.objects.select_related("question", "respondent"), pk=pk)
    publish = request.POST.get("publish") == "1"
    services.answer_publish(actor=actor, answer=item, published=publish)
    messages.success(
        request,
        _("公開する自由記述を変更しました。") if publish else _("自由記述を非公開にしました。"),
    )
    return redirect("surveys:free_text", pk=item.question.edition_id)
