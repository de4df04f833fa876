"""The office's menu entry for payments due (see kyodo.core.navigation)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kyodo.core.navigation import MenuEntry, register_menu

register_menu(
    MenuEntry(
        _("支払予定（補助金・負担金）"),
        "payments:due_list",
        permission="payments.due_list",
        order=86,
    ),
)
