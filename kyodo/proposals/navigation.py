"""The proposals' menu entry and dashboard panel (see kyodo.core.navigation)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kyodo.core.navigation import DashboardPanel, MenuEntry, register_menu, register_panel


def _inbox(user: Any) -> dict[str, Any] | None:
    from kyodo.proposals import selectors

    inbox = selectors.inbox(user)
    return {"inbox": inbox} if inbox else None


register_menu(
    MenuEntry(
        _("協働事業の提案"), "proposals:staff_list", permission="proposals.staff_list", order=80
    ),
    MenuEntry(
        _("事前相談"),
        "proposals:staff_consultations",
        permission="proposals.staff_list",
        order=81,
    ),
)
register_panel(DashboardPanel("proposals", "proposals/_inbox.html", _inbox, 20))
