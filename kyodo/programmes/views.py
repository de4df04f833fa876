"""Public call and theme pages, and the office's configuration pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kyodo.core.errors import DomainError, form_error
from kyodo.core.http import AuthenticatedHttpRequest
from kyodo.core.permissions import authorize, check
from kyodo.core.workflow import TransitionRefused
from kyodo.japan.calendar import fiscal_year
from kyodo.programmes import services
from kyodo.programmes.forms import (
    BudgetCategoryFormSet,
    CallForm,
    CourseForm,
    IssueForm,
    ThemeForm,
)
from kyodo.programmes.models import Call, CityTheme, Course, DepartmentIssue, Programme, ThemeStatus
from kyodo.registry.selectors import memberships_of

# --- public ----------------------------------------------------------------------------


def call_list(request: HttpRequest) -> HttpResponse:
    calls = Call.objects.filter(is_published=True).select_related("programme", "committee")
    return render(request, "programmes/call_list.html", {"calls": calls})


def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(Call.objects.select_related("programme", "committee"), pk=pk)
    authorize(request.user, "programmes.view_call", call)
    today = timezone.localdate()
    context = {
        "call": call,
        "courses": call.courses.all(),
        "themes": call.themes.filter(status=ThemeStatus.PUBLISHED).select_related(
            "section__division", "course"
        ),
        "today": today,
        "call_is_open": call.is_published and call.is_open(today),
        # The groups this person may propose for: the "propose" and "consult" buttons.
        "my_groups": [
            m.group
            for m in memberships_of(user=request.user)
            if check("registry.act_for_group", request.user, m.group)
        ]
        if request.user.is_authenticated
        else [],
    }
    return render(request, "programmes/call_detail.html", context)


def theme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    theme = get_object_or_404(
        CityTheme.objects.select_related("call", "course", "section__division"), pk=pk
    )
    authorize(request.user, "programmes.view_theme", theme)
    groups = []
    if request.user.is_authenticated:
        groups = [
            m.group
            for m in request.user.group_memberships.select_related("group")
            if check("registry.act_for_group", request.user, m.group)
        ]
    context = {
        "theme": theme,
        "groups": groups,
        "can_publish": check("programmes.publish_theme", request.user, theme),
        "can_edit": check("programmes.edit_theme", request.user, theme),
    }
    return render(request, "programmes/theme_detail.html", context)


def issue_list(request: HttpRequest) -> HttpResponse:
    issues = DepartmentIssue.objects.filter(is_published=True).select_related("section__division")
    return render(request, "programmes/issue_list.html", {"issues": issues})


# --- staff -----------------------------------------------------------------------------


@login_required
def staff_overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    authorize(request.user, "programmes.configure")
    context = {
        "programmes": Programme.objects.prefetch_related("courses"),
        "calls": Call.objects.select_related("programme").prefetch_related("courses"),
        "issues": DepartmentIssue.objects.select_related("section"),
    }
    return render(request, "programmes/staff_overview.html", context)


@login_required
def course_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    authorize(request.user, "programmes.configure")
    course = get_object_or_404(Course, pk=pk)
    form = CourseForm(request.POST or None, initial=CourseForm.initial_for(course))
    if request.method == "POST" and form.is_valid():
        try:
            services.course_update(actor=request.user, course=course, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("コースの設定を保存しました。"))
            return redirect("programmes:staff_overview")
    return render(request, "programmes/course_form.html", {"form": form, "course": course})


@login_required
def call_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    authorize(request.user, "programmes.configure")
    call = get_object_or_404(Call, pk=pk) if pk else None
    initial = (
        {
            **{name: getattr(call, name) for name in services.CALL_FIELDS},
            "courses": list(call.courses.all()),
        }
        if call
        else {
            "fiscal_year": fiscal_year(timezone.localdate()) + 1,
            "programme": Programme.objects.first(),
        }
    )
    form = CallForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        courses = list(data.pop("courses"))
        services.call_save(actor=request.user, data=data, courses=courses, call=call)
        messages.success(request, _("募集を保存しました。"))
        return redirect("programmes:staff_overview")
    return render(request, "programmes/call_form.html", {"form": form, "call": call})


@login_required
def theme_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    authorize(request.user, "programmes.draft_theme")
    themes = CityTheme.objects.select_related("call", "section", "course")
    if not request.user.has_role("office"):
        themes = themes.filter(section_id__in=request.user.section_ids)
    return render(request, "programmes/theme_list.html", {"themes": themes})


@login_required
def theme_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    theme = get_object_or_404(CityTheme, pk=pk) if pk else None
    if theme:
        authorize(request.user, "programmes.edit_theme", theme)
        initial = {name: getattr(theme, name) for name in services.THEME_FIELDS}
    else:
        authorize(request.user, "programmes.draft_theme")
        initial = {"years": 1}
    form = ThemeForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.theme_save(actor=request.user, data=form.cleaned_data, theme=theme)
        except DomainError as refused:
            form_error(form, refused)
        else:
            messages.success(
                request, _("テーマの下書きを保存しました。協働担当課が確認して公開します。")
            )
            return redirect("programmes:theme", pk=saved.pk)
    return render(request, "programmes/theme_form.html", {"form": form, "theme": theme})


@require_POST  # 405 before the log-in check, for everyone
@login_required
def theme_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    theme = get_object_or_404(CityTheme, pk=pk)
    try:
        services.theme_publish(actor=request.user, theme=theme)
    except TransitionRefused as refused:
        messages.error(request, str(refused.message))
    else:
        messages.success(request, _("テーマを公開しました。"))
    return redirect("programmes:theme", pk=theme.pk)


@login_required
def issue_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    authorize(request.user, "programmes.configure")
    form = IssueForm(
        request.POST or None, initial={"fiscal_year": fiscal_year(timezone.localdate())}
    )
    if request.method == "POST" and form.is_valid():
        services.issue_save(actor=request.user, data=form.cleaned_data)
        messages.success(request, _("担当課の課題を保存しました。"))
        return redirect("programmes:staff_overview")
    return render(request, "programmes/issue_form.html", {"form": form})


@login_required
def budget_categories(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The office keeps the programme's expense categories (費目) of the 収支予算書."""
    authorize(request.user, "programmes.configure")
    programme = get_object_or_404(Programme, pk=pk)
    existing = {c.pk: c for c in programme.budget_categories.order_by("order", "pk")}
    initial = [
        {
            "id": c.pk,
            "name": c.name,
            "name_en": c.name_en,
            "order": c.order,
            "is_active": c.is_active,
        }
        for c in existing.values()
    ]
    formset = BudgetCategoryFormSet(request.POST or None, initial=initial, prefix="category")
    save_error = ""
    if request.method == "POST" and formset.is_valid():
        rows = []
        for number, form in enumerate(formset.forms, start=1):
            data = form.cleaned_data
            if not data or not data.get("name"):
                continue  # a blank new row
            rows.append(
                {
                    "category": existing.get(data.get("id") or 0),
                    "name": data["name"],
                    "name_en": data.get("name_en", ""),
                    "order": data.get("order") if data.get("order") is not None else number,
                    "is_active": data.get("is_active", False),
                }
            )
        try:
            services.budget_categories_save(actor=request.user, programme=programme, rows=rows)
        except DomainError as exc:
            save_error = str(exc.message)
        else:
            messages.success(request, _("予算の費目を保存しました。"))
            return redirect("programmes:budget_categories", pk=programme.pk)
    context = {"programme": programme, "formset": formset, "save_error": save_error}
    return render(request, "programmes/budget_categories.html", context)
