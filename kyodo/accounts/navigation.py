"""The accounts' menu entry (see kyodo.core.navigation)."""

from django.utils.translation import gettext_lazy as _

from kyodo.core.navigation import MenuEntry, register_menu

register_menu(
    MenuEntry(
        _("利用者の管理"), "accounts:user_list", permission="accounts.manage_users", order=96
    ),
    MenuEntry(
        _("部と課の管理"),
        "accounts:organisation",
        permission="accounts.manage_organisation",
        order=97,
    ),
)
