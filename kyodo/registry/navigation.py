"""The registry's menu entries and dashboard panels (see kyodo.core.navigation)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kyodo.core.navigation import DashboardPanel, MenuEntry, register_menu, register_panel
from kyodo.core.permissions import check


def _registration_queue(user: Any) -> dict[str, Any] | None:
    from kyodo.registry import selectors

    if not check("registry.review_application", user):
        return None
    return {
        "registration_queue": selectors.applications_awaiting_review(),
        "public_change_queue": selectors.public_changes_awaiting_review(),
    }


def _my_groups(user: Any) -> dict[str, Any]:
    from kyodo.registry import selectors

    return {"memberships": selectors.memberships_of(user=user)}


register_menu(
    MenuEntry(_("団体をさがす"), "registry:directory", public=True, order=10),
    MenuEntry(_("わたしの団体"), "registry:my_groups", order=60),
    MenuEntry(
        _("登録団体の管理"), "registry:staff_list", permission="registry.view_staff_pages", order=70
    ),
)
register_panel(
    DashboardPanel("registration_queue", "registry/_dashboard_queue.html", _registration_queue, 10),
    DashboardPanel("my_groups", "registry/_dashboard_groups.html", _my_groups, 900),
)
