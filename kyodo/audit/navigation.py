"""The audit log's menu entry (see kyodo.core.navigation)."""

from django.utils.translation import gettext_lazy as _

from kyodo.core.navigation import MenuEntry, register_menu

register_menu(
    MenuEntry(_("監査ログ"), "audit:event_list", permission="audit.view_log", order=95),
)
