"""The office's menu entry for payments due and the money panel of the dashboard (see
kyodo.core.navigation)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kyodo.core.navigation import DashboardPanel, MenuEntry, register_menu, register_panel


def _inbox(user: Any) -> dict[str, Any] | None:
    from kyodo.payments import selectors

    inbox = selectors.inbox(user)
    return {"money": inbox} if inbox else None


register_menu(
    MenuEntry(
        _("支払予定（補助金・負担金）"),
        "payments:due_list",
        permission="payments.due_list",
        order=86,
    ),
)
register_panel(DashboardPanel("payments", "payments/_inbox.html", _inbox, 26))
