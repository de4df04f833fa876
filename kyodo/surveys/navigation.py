"""The surveys' menu entries and dashboard panel (see kyodo.core.navigation)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kyodo.core.navigation import DashboardPanel, MenuEntry, register_menu, register_panel
from kyodo.core.permissions import check


def _staff_panel(user: Any) -> dict[str, Any] | None:
    from kyodo.surveys import selectors

    if not check("surveys.manage", user):
        return None
    return {"survey_editions": selectors.editions_for_dashboard()}


register_menu(
    MenuEntry(_("アンケート"), "surveys:public_list", public=True, order=40),
    MenuEntry(_("調査の管理"), "surveys:staff_index", permission="surveys.manage", order=75),
)
register_panel(DashboardPanel("surveys", "surveys/_dashboard.html", _staff_panel, 40))
