"""Every write to programmes: calls, city themes and their small draft → published flow."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from kyodo.accounts.models import User
from kyodo.audit.services import audit_record, diff
from kyodo.core.errors import DomainError
from kyodo.core.permissions import NotAllowed, authorize, deny
from kyodo.programmes import workflow
from kyodo.programmes.models import (
    BudgetCategory,
    Call,
    CityTheme,
    Course,
    DepartmentIssue,
    Programme,
)

THEME_FIELDS = [
    "call",
    "course",
    "section",
    "title",
    "background",
    "outline",
    "expectations",
    "budget_ceiling",
    "years",
    "contact",
]
CALL_FIELDS = [
    "programme",
    "fiscal_year",
    "title",
    "summary",
    "briefing_on",
    "consultation_deadline",
    "opens_on",
    "closes_on",
    "presentation_on",
    "decision_on",
    "is_published",
]


def _values(obj: Any, names: list[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


@transaction.atomic
def call_save(
    *, actor: User, data: dict[str, Any], courses: list[Course], call: Call | None = None
) -> Call:
    authorize(actor, "programmes.configure")
    before = _values(call, CALL_FIELDS) if call else {}
    call = call or Call()
    for name in CALL_FIELDS:
        if name in data:
            setattr(call, name, data[name])
    call.full_clean()
    call.save()
    call.courses.set(courses)
    audit_record(
        actor=actor,
        action="call.save",
        target=call,
        changes=diff(before, {**_values(call, CALL_FIELDS), "courses": [str(c) for c in courses]}),
    )
    return call


@transaction.atomic
def course_update(*, actor: User, course: Course, data: dict[str, Any]) -> Course:
    authorize(actor, "programmes.configure")
    locked = Course.objects.select_for_update().get(pk=course.pk)
    before = locked.rule_summary()
    for name, value in data.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save(update_fields=list(data))
    audit_record(
        actor=actor,
        action="course.update",
        target=locked,
        changes=diff(before, locked.rule_summary()),
    )
    return locked


@transaction.atomic
def theme_save(*, actor: User, data: dict[str, Any], theme: CityTheme | None = None) -> CityTheme:
    if theme is None:
        authorize(actor, "programmes.draft_theme")
        if data["section"].pk not in actor.section_ids and not actor.has_role("office"):
            # A department drafts only for its own section.
            raise NotAllowed(deny(_("自分の課のテーマだけを作成できます。")))
        theme = CityTheme(created_by=actor)
        before: dict[str, Any] = {}
    else:
        theme = CityTheme.objects.select_for_update().get(pk=theme.pk)
        authorize(actor, "programmes.edit_theme", theme)
        before = _values(theme, THEME_FIELDS)
    for name in THEME_FIELDS:
        if name in data:
            setattr(theme, name, data[name])
    problem = workflow.theme_course_problem(theme)
    if problem is not None:
        raise problem
    theme.save()
    audit_record(
        actor=actor,
        action="theme.save",
        target=theme,
        changes=diff(before, _values(theme, THEME_FIELDS)),
    )
    return theme


def theme_transition(*, actor: User, theme: CityTheme, action: str) -> CityTheme:
    """Publish or close a theme (kyodo.programmes.workflow)."""
    return workflow.THEME.transition(actor=actor, obj=theme, action=action)


def theme_publish(*, actor: User, theme: CityTheme) -> CityTheme:
    return theme_transition(actor=actor, theme=theme, action="publish")


@transaction.atomic
def issue_save(
    *, actor: User, data: dict[str, Any], issue: DepartmentIssue | None = None
) -> DepartmentIssue:
    authorize(actor, "programmes.configure")
    issue = issue or DepartmentIssue()
    for name in ("section", "fiscal_year", "title", "description", "is_published"):
        if name in data:
            setattr(issue, name, data[name])
    issue.save()
    audit_record(actor=actor, action="issue.save", target=issue)
    return issue


@transaction.atomic
def budget_categories_save(
    *, actor: User, programme: Programme, rows: list[dict[str, Any]]
) -> list[BudgetCategory]:
    """The office's list of expense categories: renamed, reordered, added, retired.

    A category is never deleted (past budgets name it); it is retired (is_active False)."""
    authorize(actor, "programmes.configure")

    def listed() -> list[str]:
        return [
            f"{c.order}. {c.name} / {c.name_en}{'' if c.is_active else ' (retired)'}"
            for c in programme.budget_categories.order_by("order", "pk")
        ]

    before = listed()
    names = [row["name"] for row in rows]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise DomainError(
            _("同じ名前の費目が二つあります：%(names)s") % {"names": "、".join(duplicates)}
        )
    saved = []
    for row in rows:
        category = row.get("category") or BudgetCategory(programme=programme)
        if category.programme_id != programme.pk:
            raise NotAllowed(deny(_("この制度の費目ではありません。")))
        for name in ("name", "name_en", "order", "is_active"):
            setattr(category, name, row[name])
        category.save()
        saved.append(category)
    after = listed()
    if before != after:
        audit_record(
            actor=actor,
            action="programme.budget_categories",
            target=programme,
            changes={"budget_categories": [before, after]},
        )
    return saved
