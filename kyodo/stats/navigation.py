"""The stats' menu entries (see kyodo.core.navigation)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kyodo.core.navigation import MenuEntry, register_menu

register_menu(
    MenuEntry(_("市民活動の現状"), "stats:current_state", public=True, order=45),
    MenuEntry(_("統計の管理"), "stats:staff_index", permission="stats.manage", order=76),
)
