"""The evaluation's menu entries and dashboard panel (see kyodo.core.navigation): what waits
for the group, the department and the office, and the public page of how each evaluation
was reflected in the next year."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kyodo.core.navigation import DashboardPanel, MenuEntry, register_menu, register_panel


def _inbox(user: Any) -> dict[str, Any] | None:
    from kyodo.evaluation import selectors

    inbox = selectors.inbox(user)
    return {"evaluation": inbox} if inbox else None


register_menu(
    MenuEntry(
        _("協働事業の評価"),
        "evaluation:staff_index",
        permission="evaluation.staff_index",
        order=87,
        current=(
            "evaluation:project",
            "evaluation:evaluate",
            "evaluation:meeting",
            "evaluation:outcome",
            "evaluation:settings",
        ),
    ),
    MenuEntry(
        _("次年度予算要求の一覧"),
        "evaluation:budget_list",
        permission="evaluation.budget_list",
        order=88,
        current=("evaluation:budget_edit",),
    ),
    MenuEntry(
        _("評価の次年度への反映"),
        "evaluation:public_index",
        public=True,
        order=45,
        current=("evaluation:public_year",),
    ),
)


def _public_summary(project: Any) -> dict[str, Any] | None:
    from kyodo.evaluation import selectors

    summary = selectors.public_summary(project)
    return {"evaluation_summary": summary} if summary else None


register_panel(
    DashboardPanel("evaluation", "evaluation/_inbox.html", _inbox, 27),
    # The project's public page: the committee's evaluation, the outcome and the reflection.
    DashboardPanel(
        "evaluation-public",
        "evaluation/_public_summary.html",
        _public_summary,
        page="projects.public",
    ),
)
