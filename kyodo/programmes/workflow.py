"""A city theme's states and moves, as one table on the workflow engine (kyodo.core.workflow).

A department drafts a theme; the office publishes it (groups may then bid) and closes it.
Publishing checks the theme against its course: a theme may not promise more money or more
years than the course allows, or every group that bids on it would be refused."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kyodo.core.errors import DomainError
from kyodo.core.permissions import ALLOW, Decision, deny, describe
from kyodo.core.workflow import Move, State, Transition, Workflow, states, table

DRAFT, PUBLISHED, CLOSED = "draft", "published", "closed"


def theme_course_problem(theme: Any) -> DomainError | None:
    """What makes the theme promise more than its course allows, at the field concerned."""
    course = theme.course
    caps = [c for c in [course.cap_per_year, *(course.cap_by_adoption or [])] if c]
    cap = max(caps) if caps else None
    if cap is not None and theme.budget_ceiling is not None and theme.budget_ceiling > cap:
        return DomainError(
            _("予算の上限がコース「%(course)s」の上限額（%(cap)s円）を超えています。")
            % {"course": course.name, "cap": f"{cap:,}"},
            field="budget_ceiling",
        )
    if theme.years and course.max_years and theme.years > course.max_years:
        return DomainError(
            _("事業年数がコース「%(course)s」の最長年数（%(n)s年）を超えています。")
            % {"course": course.name, "n": course.max_years},
            field="years",
        )
    return None


@describe(_("予算の上限と事業年数が、コースの上限額と最長年数を超えていないこと"))
def _fits_course(user: Any, theme: Any, params: dict[str, Any]) -> Decision:
    problem = theme_course_problem(theme)
    return deny(problem.message) if problem else ALLOW


@describe(_("協働担当課"))
def _may_publish(user: Any, theme: Any) -> Decision:
    from kyodo.programmes.permissions import is_office

    if not is_office(user):
        return deny(_("テーマの公開と公開終了は、協働担当課が行います。"))
    return ALLOW


def _stamp_publication(move: Move[Any]) -> None:
    move.set(published_at=move.now)


THEME: Workflow[Any] = Workflow(
    key="theme",
    label=_("市提案テーマ"),
    model_label="programmes.CityTheme",
    noun=_("テーマ"),
    audit_prefix="theme",
    lock_related=("course",),
    touch=("updated_at",),
    initial=DRAFT,
    states=states(
        [
            State(DRAFT, _("下書き"), public_label=_("非公開"), editable_by_owner=True),
            State(PUBLISHED, _("公開中")),
            State(CLOSED, _("公開終了"), final=True),
        ]
    ),
    transitions=table(
        [
            Transition(
                "publish",
                _("公開する"),
                frozenset({DRAFT}),
                PUBLISHED,
                _may_publish,
                guards=(_fits_course,),
                effects=(_stamp_publication,),
                event="theme.publish",
            ),
            Transition(
                "close",
                _("公開を終える"),
                frozenset({PUBLISHED}),
                CLOSED,
                _may_publish,
                event="theme.close",
            ),
        ]
    ),
)
