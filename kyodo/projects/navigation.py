"""The projects' menu entry and dashboard panel (see kyodo.core.navigation)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kyodo.core.navigation import DashboardPanel, MenuEntry, register_menu, register_panel


def _inbox(user: Any) -> dict[str, Any] | None:
    from kyodo.projects import selectors

    inbox = selectors.inbox(user)
    return {"projects": inbox} if inbox else None


register_menu(
    MenuEntry(
        _("協働事業（協定書）"),
        "projects:staff_list",
        permission="projects.staff_list",
        order=85,
        current=("projects:detail", "projects:agreement_edit", "projects:agreement_versions"),
    ),
    MenuEntry(
        _("事業報告の期限"),
        "projects:report_list",
        permission="projects.report_list",
        order=86,
        current=("projects:report_detail", "projects:report_edit"),
    ),
)
register_panel(DashboardPanel("projects", "projects/_inbox.html", _inbox, 25))
